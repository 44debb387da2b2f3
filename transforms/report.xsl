<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: MIT -->
<!-- mbtool report: the intermediate <mbreport> document to one
     self-contained HTML page (inline CSS, no scripts, no external
     resources). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:template match="/mbreport">
    <html lang="en">
      <head>
        <meta charset="UTF-8"/>
        <title>mbtool report: <xsl:value-of select="@file"/></title>
        <style>
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
.risk { color: #b00; font-weight: bold; }
details { margin-left: 1.2em; }
summary { cursor: pointer; }
.kt { color: #666; }
.local { color: #060; }
.inherited { color: #555; }
.default, .none { color: #999; }
code { font-family: monospace; }
        </style>
      </head>
      <body>
        <h1>mbtool report</h1>
        <p>File: <code><xsl:value-of select="@file"/></code>
          (mbtool <xsl:value-of select="@version"/>)</p>
        <xsl:apply-templates select="accounts"/>
        <xsl:apply-templates select="doctor"/>
        <h2>Keys</h2>
        <xsl:apply-templates select="keys/key"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="accounts">
    <h2>Accounts</h2>
    <xsl:choose>
      <xsl:when test="account">
        <xsl:for-each select="account">
          <h3>
            <code><xsl:value-of select="@name"/></code>
            (<xsl:value-of select="@kind"/>)
            <xsl:if test="@lockout-risk = 'yes'">
              <xsl:text> </xsl:text>
              <span class="risk">LOCKOUT-RISK</span>
            </xsl:if>
          </h3>
          <p>Used by <xsl:value-of select="@used"/> keys;
            <xsl:value-of select="@groups"/> password group(s).</p>
          <table>
            <tr><th>Set at</th><th>Password group</th></tr>
            <xsl:for-each select="set-at">
              <tr>
                <td><code><xsl:value-of select="@path"/></code></td>
                <td><xsl:value-of select="@password-group"/></td>
              </tr>
            </xsl:for-each>
          </table>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><p>No accounts.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="doctor">
    <h2>Doctor findings</h2>
    <xsl:if test="not(finding)"><p>No problems found.</p></xsl:if>
    <xsl:for-each select="finding">
      <h3 class="{@severity}"><xsl:value-of select="@id"/>
        <xsl:text> </xsl:text>
        <xsl:if test="@severity = 'error'"><span class="risk">error</span></xsl:if>
        <xsl:if test="@severity != 'error'"><xsl:value-of select="@severity"/></xsl:if>
        <xsl:text>: </xsl:text><xsl:value-of select="@title"/></h3>
      <dl>
        <xsl:if test="keys"><dt>Keys</dt><dd><code><xsl:value-of select="keys"/></code></dd></xsl:if>
        <xsl:if test="why"><dt>Why</dt><dd><xsl:value-of select="why"/></dd></xsl:if>
        <xsl:if test="fix"><dt>Fix</dt><dd><code><xsl:value-of select="fix"/></code></dd></xsl:if>
      </dl>
    </xsl:for-each>
    <xsl:if test="check">
      <h3>Checks that need Windows</h3>
      <ul>
        <xsl:for-each select="check"><li><code><xsl:value-of select="."/></code></li></xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <xsl:template match="key">
    <details>
      <xsl:if test="count(ancestor::key) &lt; 3">
        <xsl:attribute name="open">open</xsl:attribute>
      </xsl:if>
      <summary>
        <code><xsl:value-of select="@path"/></code>
        <xsl:text> </xsl:text>
        <span class="kt">[<xsl:value-of select="@keytype"/>]</span>
      </summary>
      <ul>
        <xsl:for-each select="prop">
          <li class="{@origin}">
            <xsl:value-of select="@name"/>
            <xsl:text> = </xsl:text>
            <xsl:choose>
              <xsl:when test="@value">"<xsl:value-of select="@value"/>"</xsl:when>
              <xsl:otherwise>(not set)</xsl:otherwise>
            </xsl:choose>
            <xsl:choose>
              <xsl:when test="@origin = 'local'"> (set here)</xsl:when>
              <xsl:when test="@origin = 'inherited'"> (inherited from <xsl:value-of select="@from"/>)</xsl:when>
              <xsl:when test="@origin = 'default'"> (default)</xsl:when>
            </xsl:choose>
          </li>
        </xsl:for-each>
      </ul>
      <xsl:apply-templates select="key"/>
    </details>
  </xsl:template>
</xsl:stylesheet>
