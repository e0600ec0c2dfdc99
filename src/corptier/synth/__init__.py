"""The synthetic bank: a realistic, seeded, streaming history of a city branch's corporate book.

    from corptier.synth import synthesize
    summary = synthesize("out", customers=5_000, months=24, seed=7)

See `corptier.synth.bank` for how it is generated and `docs/data-contract.md` for the tables.
"""

from corptier.synth.bank import SynthError, SynthSummary, check_parameters, synthesize
from corptier.synth.rng import BLOCK

__all__ = ["BLOCK", "SynthError", "SynthSummary", "check_parameters", "synthesize"]
