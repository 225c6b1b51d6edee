"""briefpress: a static site generator for news briefs."""

__version__ = "0.1.0"
