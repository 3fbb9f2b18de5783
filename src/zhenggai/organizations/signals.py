"""Signals of the unit registry, for apps that keep their own references to units.

``unit_succeeded`` is sent inside ``record_succession``'s transaction, after the open assignments
moved: receivers move what else must follow the successor (open acceptance requests, …).
"""

from django.dispatch import Signal

# kwargs: predecessor, successor, on (date), acting_user
unit_succeeded = Signal()
