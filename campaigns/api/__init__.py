"""The OSDI API (issue 24): what an Action Network client needs to talk to a committee.

`osdi` is the framework-light core (collection pages, filters, identifiers, error bodies) that
the views wire onto, so the shape Action Network clients rely on is decided, and tested, in
one place.
"""
