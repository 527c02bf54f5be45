"""The API process's side of Ray Serve: connects to Ray on first use and calls a deployment version's application."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np

from backend.application.predictions import ServingUnavailable
from backend.settings import Settings


class RayModelServer:
    """Calls Serve applications through handles; Ray and Serve start on the first request if the reconciler has not."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ready = False

    async def predict(self, app: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if not self._ready:
            await asyncio.to_thread(self._connect)
        from workers import serving

        single = next(iter(inputs.values())) if len(inputs) == 1 else inputs
        try:
            outputs: Any = await serving.predict(app, single)
        except (serving.AppNotFound, serving.AppUnavailable) as error:
            # The reconciler has not (re)started this version's replicas yet, or they are failing.
            raise ServingUnavailable(str(error), field="name", value=app) from None
        return outputs if isinstance(outputs, dict) else {"output": np.asarray(outputs)}

    def _connect(self) -> None:
        from workers import serving
        from workers.ray_runtime import ensure_ray

        ensure_ray(self.settings)
        serving.start_serve()
        self._ready = True
