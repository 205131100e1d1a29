# Installed into <environment>/etc/ipython/ by `pip install -e .` (pyproject.toml data-files), so
# every kernel this environment starts (JupyterLab, the book build, nbval, slides) reads it.
#
# The course's kernels listen on 127.0.0.1 only. ipykernel 7 still prints "Kernel is running over
# TCP without encryption" at every start, once per notebook in `make book`, and a newcomer reads
# that WARNING as a fault. This filter drops exactly that one message; every other warning and
# error the kernel logs is still printed.
import logging


class _DropLocalTcpNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # The unformatted message only, and never an exception: a filter that raised (getMessage()
        # on a record with mismatched arguments) would break the kernel call that logged it.
        try:
            return "Kernel is running over TCP without encryption" not in str(record.msg)
        except Exception:
            return True


logging.getLogger("IPKernelApp").addFilter(_DropLocalTcpNotice())
