"""target-ses: each record of a stream is one email sent through Amazon SES.

``settings`` (the settings), ``message`` (a record checked and turned into an SES call),
``sink`` (one email per record; the message id returned before the record counts as done),
``target`` and ``cli`` (the executable; rejects and errors as one line each).
"""
