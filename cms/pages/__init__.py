"""The site's page types and the models around them, one module per page family.

Django loads them through cms.models, which imports every module here.
"""
