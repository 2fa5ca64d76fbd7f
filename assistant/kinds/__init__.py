"""Answer kinds: one module per kind of answer, each behind the :class:`AnswerKind` protocol.

A kind gets the question as read (:class:`Ask`) and a typed, read-only :class:`Context`, and
returns an :class:`~assistant.models.Answer`, or None when the question is not its kind (the next
kind in the order is tried). The order is one visible list in ``assistant.kinds.order``.
"""
