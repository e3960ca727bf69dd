"""xxgk: the dataset of Chinese government information disclosure annual reports.

The `xxgk` command is thin glue over three packages: `crawler` (Scrapy), `extract`
(documents -> canonical cells) and `db` (SQLite database, views, Datasette).
"""

__version__ = "0.1.0"
