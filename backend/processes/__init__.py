"""Policies that follow the read models and issue commands: evaluation rules, retention and the integrity check.

Each acts through the application services, and the aggregates it changes reject a repeated step,
so running a policy twice over the same state records nothing new.
"""
