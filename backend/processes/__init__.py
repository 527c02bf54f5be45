"""Policies that follow the event log and issue commands, such as evaluation rules and retention.

None exists yet. Each will be a projection-like follower with its own tracking position that calls
application services, so a policy acts on each event once.
"""
