"""Checkers for the "Your turn" exercises, one module per notebook (``nb01``, ``nb02``, …).

Every checker follows the same contract (see :mod:`helpers.exercises._check`):

- it *returns* ``True`` for a right answer and ``False`` otherwise, so tests can assert both;
- it *prints* one friendly line: ``✓ …`` when right, ``not yet: …`` with a hint when wrong;
- it never raises because of the learner's answer — the shipped stub (which returns ``None``
  or raises ``NotImplementedError``) gives a "not yet" line, not a traceback.
"""
