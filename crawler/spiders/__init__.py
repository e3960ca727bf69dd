"""Scrapy spiders of the xxgk crawler."""
