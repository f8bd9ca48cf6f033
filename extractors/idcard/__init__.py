"""Second-generation resident ID card (居民身份证): front (人像面) and back (国徽面) extractors."""
