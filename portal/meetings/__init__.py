"""Sponsor and business reviews of a partnership (issue 13; seed 003 #6, seed 002's
governance stage): scheduled on a cadence, prepared by both sides on an agenda the
portal pre-fills from the partnership's data, minuted with outcomes (information,
decision, action into the joint action plan) and attendance, closed read-only, and
printable. Unfinished agenda points move to the next review with their history.

The code says "meeting" (the library's spaced reviews are `content.reviews`); pages say
"review".
"""
