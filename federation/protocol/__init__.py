"""The federation protocol core: code lists, periods, areas, keys, JWS, disclosure.

Pure Python: no web framework, no ORM, nothing done at import time.
"""
