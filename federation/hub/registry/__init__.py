"""The registry: invitations, nodes, their areas and keys, suspension and revocation."""
