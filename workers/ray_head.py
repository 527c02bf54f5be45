"""Run a local Ray head for one API process, and stop it when that process is gone.

`python -m workers.ray_head PARENT_PID RAY_START_ARGUMENT…` runs `ray start` with the
arguments as a child in this process's group, then checks once a second that its parent
(the API process with that id) is still alive. When the parent is gone, even after SIGKILL,
it kills the whole group, so no Ray process outlives the API that started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

CHECK_SECONDS = 1.0


def main() -> None:
    parent = int(sys.argv[1])
    head = subprocess.Popen([sys.executable, "-c", "from ray.scripts.scripts import main; main()", "start", *sys.argv[2:]])
    while head.poll() is None and os.getppid() == parent:
        time.sleep(CHECK_SECONDS)
    os.killpg(0, signal.SIGKILL)


if __name__ == "__main__":
    main()
