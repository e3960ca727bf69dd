"""The crawler: portal registry, platform adapters, the reports spider and its store.

Scrapy's cookie middleware tells public suffixes apart with tldextract, which downloads
the Public Suffix List on first use; crawls must not depend on
raw.githubusercontent.com. tldextract's documented switch,
`TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS` set empty, makes it use the snapshot it bundles.
It is read when Scrapy's module builds its extractor, so it is set here, before any
crawler module imports Scrapy's middlewares (a user's own value is kept). This replaces
an assignment to Scrapy's private `cookies._split_domain`: Scrapy offers no setting for
it. `tests/test_crawl_parsing.py` fails if the switch stops taking effect.
"""

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
