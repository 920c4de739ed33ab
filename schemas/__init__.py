"""marshmallow schemas shared by the node and the hub: protocol payloads and REST APIs.

No Flask or SQLAlchemy here: this package is the contract.
"""
