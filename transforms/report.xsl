<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: MIT -->
<!-- mbtool report: the intermediate <mbreport> document to one
     self-contained HTML page (inline CSS, no scripts, no external
     resources). The key tree is nested <details> elements, so it opens
     and closes in any browser without scripts; each key shows the
     identities set there (account markers, with their password group)
     and links to the doctor findings that name it. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <!-- Accounts set at a key, and findings naming a key, by its path. -->
  <xsl:key name="set-at" match="/mbreport/accounts/account/set-at"
      use="@path"/>
  <xsl:key name="finding-at" match="/mbreport/doctor/finding"
      use="at/@path"/>

  <xsl:template match="/mbreport">
    <html lang="en">
      <head>
        <meta charset="UTF-8"/>
        <title>mbtool report: <xsl:value-of select="@file"/></title>
        <style>
body { font-family: sans-serif; margin: 1.5em 2em; color: #222;
  line-height: 1.35; max-width: 75em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 0 0 0.4em 0; }
nav a { margin-right: 1em; }
a { color: #0645ad; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left;
  vertical-align: top; }
th { background: #f0f0f0; }
tr.risk td { background: #fdecea; }
code, pre { font-family: monospace; font-size: 0.92em; }
pre { margin: 0.2em 0; white-space: pre-wrap; }
.summary span { margin-right: 1.2em; }
.risk { color: #b00; font-weight: bold; }
.sev { display: inline-block; min-width: 4.5em; padding: 0 0.4em;
  border-radius: 3px; color: #fff; font-size: 0.85em; text-align: center; }
.sev.error { background: #c62828; }
.sev.warning { background: #ef6c00; }
.sev.info { background: #1565c0; }
.finding { border: 1px solid #ddd; border-left: 6px solid #999;
  padding: 0.6em 0.9em; margin: 0.8em 0; }
.finding.error { border-left-color: #c62828; }
.finding.warning { border-left-color: #ef6c00; }
.finding.info { border-left-color: #1565c0; }
.finding dl { margin: 0; }
.finding dt { font-weight: bold; margin-top: 0.3em; }
.finding dd { margin-left: 1.5em; }
ul.checks { list-style: none; padding-left: 0.5em; }
ul.checks li::before { content: "\2610  "; }
.tree details { margin-left: 1.4em; border-left: 1px dotted #bbb;
  padding-left: 0.4em; }
.tree > details { margin-left: 0; }
summary { cursor: pointer; padding: 0.1em 0; }
.kt { color: #666; }
.acct { display: inline-block; margin-left: 0.5em; padding: 0 0.45em;
  border-radius: 3px; border: 1px solid #7a9; background: #eef7f0;
  font-size: 0.88em; }
.acct.wam { border-color: #97b; background: #f4effa; }
.acct.unc { border-color: #b97; background: #fbf3ea; }
.acct.lockout { border-color: #c62828; background: #fdecea; color: #b00; }
.badge { margin-left: 0.4em; font-size: 0.8em; text-decoration: none;
  padding: 0 0.3em; border-radius: 3px; color: #fff; }
.badge.error { background: #c62828; }
.badge.warning { background: #ef6c00; }
.badge.info { background: #1565c0; }
ul.props { margin: 0.1em 0 0.3em 0; padding-left: 1.6em;
  font-size: 0.92em; }
.local { color: #060; }
.inherited { color: #555; }
.default, .none { color: #888; }
        </style>
      </head>
      <body>
        <h1>mbtool report</h1>
        <p>File: <code><xsl:value-of select="@file"/></code>
          (mbtool <xsl:value-of select="@version"/>)</p>
        <p class="summary">
          <span>Keys: <xsl:value-of select="count(//keys//key)"/></span>
          <span>Identities: <xsl:value-of
                select="count(accounts/account)"/></span>
          <span><xsl:if test="accounts/account[@lockout-risk = 'yes']">
              <xsl:attribute name="class">risk</xsl:attribute>
            </xsl:if>Lockout risks: <xsl:value-of
                select="count(accounts/account[@lockout-risk = 'yes'])"/></span>
          <span>Findings: <xsl:value-of
                select="count(doctor/finding[@severity = 'error'])"/>
            error(s), <xsl:value-of
                select="count(doctor/finding[@severity = 'warning'])"/>
            warning(s), <xsl:value-of
                select="count(doctor/finding[@severity = 'info'])"/>
            to check</span>
        </p>
        <nav><a href="#accounts">Accounts</a><a href="#doctor">Doctor
            findings</a><a href="#checks">Checks that need Windows</a><a
            href="#tree">Key tree</a></nav>
        <xsl:apply-templates select="accounts"/>
        <xsl:apply-templates select="doctor"/>
        <h2 id="tree">Key tree</h2>
        <div class="tree">
          <xsl:apply-templates select="keys/key"/>
        </div>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="accounts">
    <h2 id="accounts">Accounts</h2>
    <xsl:choose>
      <xsl:when test="account">
        <table>
          <tr><th>Account</th><th>Kind</th><th>Keys using it</th>
            <th>Password groups</th><th>Set at (password group)</th></tr>
          <xsl:for-each select="account">
            <tr>
              <xsl:if test="@lockout-risk = 'yes'">
                <xsl:attribute name="class">risk</xsl:attribute>
              </xsl:if>
              <td><code><xsl:value-of select="@name"/></code>
                <xsl:if test="@lockout-risk = 'yes'">
                  <xsl:text> </xsl:text>
                  <span class="risk">LOCKOUT-RISK</span>
                </xsl:if>
              </td>
              <td><xsl:value-of select="@kind"/></td>
              <td><xsl:value-of select="@used"/></td>
              <td><xsl:value-of select="@groups"/></td>
              <td>
                <xsl:for-each select="set-at">
                  <code><xsl:value-of select="@path"/></code>
                  (<xsl:value-of select="@password-group"/>)<br/>
                </xsl:for-each>
              </td>
            </tr>
          </xsl:for-each>
        </table>
      </xsl:when>
      <xsl:otherwise><p>No accounts.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="doctor">
    <h2 id="doctor">Doctor findings</h2>
    <xsl:if test="not(finding)"><p>No problems found.</p></xsl:if>
    <xsl:for-each select="finding">
      <div id="{generate-id()}" class="finding {@severity}">
        <h3><xsl:value-of select="@id"/>
          <xsl:text> </xsl:text>
          <span class="sev {@severity}"><xsl:value-of
              select="@severity"/></span>
          <xsl:text> </xsl:text><xsl:value-of select="@title"/></h3>
        <dl>
          <dt>Keys</dt>
          <dd>
            <xsl:for-each select="at">
              <xsl:if test="position() &gt; 1">, </xsl:if>
              <code><xsl:value-of select="@path"/></code>
              <xsl:if test="@group"> (<xsl:value-of select="@group"/>)</xsl:if>
            </xsl:for-each>
          </dd>
          <dt>Why</dt><dd><xsl:value-of select="why"/></dd>
          <dt>Fix</dt>
          <dd><xsl:for-each select="fix"><pre><xsl:value-of
                select="."/></pre></xsl:for-each></dd>
        </dl>
      </div>
    </xsl:for-each>
    <h2 id="checks">Checks that need Windows</h2>
    <ul class="checks">
      <xsl:for-each select="check"><li><code><xsl:value-of
          select="."/></code></li></xsl:for-each>
    </ul>
  </xsl:template>

  <!-- One tree node per key: <details class="key">. -->
  <xsl:template match="key">
    <details class="key" data-path="{@path}">
      <!-- Open near the top, and down to every key that sets an
           identity or has a finding, so the story is visible at once. -->
      <xsl:if test="count(ancestor::key) &lt; 4 or
          descendant-or-self::key[key('set-at', @path) or
                                  key('finding-at', @path)]">
        <xsl:attribute name="open">open</xsl:attribute>
      </xsl:if>
      <summary>
        <code><xsl:value-of select="@path"/></code>
        <xsl:text> </xsl:text>
        <span class="kt">[<xsl:value-of select="@keytype"/>]</span>
        <xsl:for-each select="key('set-at', @path)">
          <span class="acct {../@kind}" data-account="{../@name}"
              title="{../@kind} account set here, password group {@password-group}">
            <xsl:if test="../@lockout-risk = 'yes'">
              <xsl:attribute name="class">acct <xsl:value-of
                  select="../@kind"/> lockout</xsl:attribute>
            </xsl:if>
            <xsl:value-of select="../@name"/>
            <xsl:text> (</xsl:text><xsl:value-of
                select="@password-group"/><xsl:text>)</xsl:text>
          </span>
        </xsl:for-each>
        <xsl:for-each select="key('finding-at', @path)">
          <a class="badge {@severity}" href="#{generate-id()}"
              title="{@title}"><xsl:value-of select="@id"/></a>
        </xsl:for-each>
      </summary>
      <!-- Defaults are noise, except AuthFlags in a web or FTP service,
           where the default means anonymous access is on. -->
      <xsl:variable name="service"
          select="translate(substring-before(concat(@path, '/'), '/'),
                  'w3svcmsftp', 'W3SVCMSFTP')"/>
      <xsl:variable name="shown"
          select="prop[@origin = 'local' or @origin = 'inherited' or
                  (@origin = 'default' and @name = 'AuthFlags' and
                   ($service = 'W3SVC' or $service = 'MSFTPSVC'))]"/>
      <xsl:if test="$shown">
        <ul class="props">
          <xsl:for-each select="$shown">
            <li class="{@origin}">
              <xsl:value-of select="@name"/>
              <xsl:text> = "</xsl:text>
              <xsl:value-of select="@value"/>
              <xsl:text>"</xsl:text>
              <xsl:choose>
                <xsl:when test="@origin = 'local'"> (set here)</xsl:when>
                <xsl:when test="@origin = 'inherited'"> (inherited from <xsl:value-of select="@from"/>)</xsl:when>
                <xsl:otherwise> (default)</xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <xsl:apply-templates select="key"/>
    </details>
  </xsl:template>
</xsl:stylesheet>
