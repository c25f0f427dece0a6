"""Checkers for the "Your turn" exercises, one module per notebook (``nb01``, ``nb02``, …).

Every checker is built on :mod:`helpers.exercises._check` and follows one contract:

- it is registered with ``@exercise(notebook, number, title)``, so ``progress("06")`` can print
  the notebook's tally and the odd-input test can find it;
- it *returns* ``True`` for a right answer and ``False`` otherwise, so tests can assert both;
- it *prints* one friendly line: ``✓ …`` when right, ``not yet: …`` with a hint when wrong;
- it never raises because of the learner's answer — the shipped stub (which returns ``None``
  or raises ``NotImplementedError``) gives a "not yet" line, not a traceback, and so does any
  exception but ``KeyboardInterrupt`` (in strict mode, ``BACKPROP_STRICT=1``, a failed check
  raises ``ExerciseNotDone`` for autograders);
- the core, not each checker, refuses an answer computed with the course's numerical gradients
  (``helpers.gradcheck``: the exercises ask for the chain rule), calls a float32 answer that is
  right to float32's precision float32 ("compute in float64"), and undoes what the learner's
  code changes globally (``np.seterr``, print options, warning filters) before it judges.
"""
