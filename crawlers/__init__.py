"""Crawl news sites with Scrapy: discovery, politeness, raw pages out."""
