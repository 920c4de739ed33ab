"""Members: residents and organisations, roles, skills, availability and consent."""
