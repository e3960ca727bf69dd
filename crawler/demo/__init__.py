"""Local imitations of government portals, served over real HTTP for tests and demos.

`DemoServer` (in `crawler.demo.server`) serves every site of `crawler.demo.catalog`,
each rendered by the module of its platform; `xxgk demo-portal` runs it.
"""
