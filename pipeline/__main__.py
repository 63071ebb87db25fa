import os
import sys

from .cli import EXIT, main

code = main()
if code in (EXIT["interrupted"], EXIT["terminated"]):
    # The run has already stopped its workers and removed its staging folder. Leave at once:
    # the interpreter's exit hooks would join the worker pool's queue threads, and one of them
    # can block for ever on a pipe whose reader was just killed (seen on a loaded CI machine:
    # "terminated: nothing written" printed, then no exit).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
sys.exit(code)
