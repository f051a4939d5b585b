<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows the news feed as a readable page when a parent opens it in a browser.
     Feed readers ignore this and read the RSS itself. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/rss/channel">
    <html lang="en-GB">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="title"/></title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 42rem; padding: 1rem; line-height: 1.5; color: #1b1b1b; }
          .about { background: #eef3f7; border-left: 4px solid #123c5a; padding: 0.75rem 1rem; }
          h1 { color: #123c5a; }
          article { border-bottom: 1px solid #ddd; padding: 0.75rem 0; }
          a { color: #0b4f8a; }
          time { color: #555; font-size: 0.9rem; }
        </style>
      </head>
      <body>
        <h1><xsl:value-of select="title"/></h1>
        <p class="about">This is a news feed. Copy this page's address into a news reader app to
          be told about new stories, or <a href="{link}">read the news on the school website</a>.</p>
        <xsl:for-each select="item">
          <article>
            <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
            <time><xsl:value-of select="pubDate"/></time>
            <p><xsl:value-of select="description"/></p>
          </article>
        </xsl:for-each>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
