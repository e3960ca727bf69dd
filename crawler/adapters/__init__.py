"""One adapter per portal platform; each reads list pages into `ListPage`s.

Every adapter module exposes `parse(response, state) -> ListPage`; `state` is the
adapter's own dict, which the spider carries from page to page in the list callback's
`cb_kwargs["state"]`. A request an adapter returns says how the state changes for that
page in its `meta["adapter"]`; the spider merges it into the state it passes on.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

ADAPTER_MODULES = {
    "trs": "crawler.adapters.trs",
    "hanweb_jpage": "crawler.adapters.hanweb_jpage",
    "hanweb_jpaas": "crawler.adapters.hanweb_jpaas",
    "gkmlpt": "crawler.adapters.gkmlpt",
    "shanghai": "crawler.adapters.shanghai",
    "ucap": "crawler.adapters.ucap",
    "generic": "crawler.adapters.generic",
}


def adapter_for(platform: str) -> ModuleType:
    return import_module(ADAPTER_MODULES[platform])
