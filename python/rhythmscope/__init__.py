"""rhythmscope: attention-rhythm metrics and credit strategies in Python (same numbers as the workbench).

`rhythmscope.credit` holds the method; `rhythmscope.trl` the GRPO trainer (needs the `trl` extra).
"""
from .credit import analyze_dump, completion_gammas, credit_pass
from .options import DEFAULT_OPTIONS, InputError, resolve_options

__all__ = ["DEFAULT_OPTIONS", "InputError", "analyze_dump", "completion_gammas", "credit_pass", "resolve_options"]
__version__ = "0.1.0"
