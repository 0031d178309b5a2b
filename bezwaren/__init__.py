"""The Awb objection (*bezwaar*, Awb chapter 6-7) against a decision: an application's decision,
an extension's, a declaration line's judgement or a trajectory's final settlement (domain.md 13).
Not the gemeente's dispute of a co-financing claim line (``declaraties``' ``Bezwaar``)."""
