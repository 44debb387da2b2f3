<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: MIT -->
<!-- mbtool report: the intermediate <mbreport> documents (their format:
     src/cli/report_doc.c) to one self-contained HTML page (inline CSS, no
     scripts, no external resources). The key tree is nested <details>
     elements, so it opens and closes in any browser without scripts; each
     key shows the identities set there (account markers, with their
     password group) and links to the doctor findings that name it.

     mbtool renders the page in parts, so that a hosting server's tree
     never has to be one document: first <mbreport> with the accounts and
     findings, whose <slot/> marks where the key tree goes; then
     <mbreport part="keys"> documents with a few thousand keys each,
     rendered between two slots, and keys too large for one part with a
     <slot/> where their children go. A slot must come out as the comment
     "mbtool-slot"; a stylesheet whose page has none gets no key tree. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <!-- A folded tree (a file of more keys than keys/@fold-over) has no
       tooltips on its markers: tens of thousands of keys would repeat
       them. Its lists of keys per account and finding stop after the
       first few (mbtool sends those): every key is in the tree with its
       marker. -->
  <xsl:variable name="folding" select="/mbreport/keys/@folding = 'yes'"/>

  <!-- Whether any account has a Windows side: asked once, not per account
       (a hosting file has one account per site). -->
  <xsl:variable name="windows" select="boolean(/mbreport/accounts/account/@windows)"/>

  <!-- Where mbtool puts the parts of the key tree. -->
  <xsl:template match="slot">
    <xsl:comment>mbtool-slot</xsl:comment>
  </xsl:template>

  <!-- A part of the key tree: its keys, between two slots. -->
  <xsl:template match="/mbreport[@part = 'keys']" priority="2">
    <div>
      <xsl:comment>mbtool-slot</xsl:comment>
      <xsl:apply-templates select="keys/key|keys/group"/>
      <xsl:comment>mbtool-slot</xsl:comment>
    </div>
  </xsl:template>

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
.folded { margin-left: 1.4em; padding-left: 0.4em; color: #666;
  font-style: italic; border-left: 1px dotted #bbb; }
p.rule { color: #444; font-size: 0.92em; }
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
          <span>Keys: <xsl:value-of
                select="format-number(keys/@total, '#,##0')"/></span>
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
        <xsl:apply-templates select="keys" mode="rule"/>
        <div class="tree">
          <!-- (the line breaks of a tree rendered in one piece) -->
          <xsl:text>&#10;</xsl:text>
          <xsl:apply-templates select="keys/key|keys/group|keys/slot"/>
          <xsl:text>&#10;</xsl:text>
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
            <th>Password groups</th><th>Set at (password group)</th>
            <xsl:if test="$windows">
              <th>Windows side (from the server's hives)</th>
            </xsl:if></tr>
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
                <xsl:call-template name="more">
                  <xsl:with-param name="n" select="@keys - count(set-at)"/>
                </xsl:call-template>
              </td>
              <xsl:if test="$windows">
                <td><pre><xsl:value-of select="@windows"/></pre></td>
              </xsl:if>
            </tr>
          </xsl:for-each>
        </table>
        <p>Password groups G1, G2, ... number the distinct encrypted values
          of the file in file order, as <code>mbtool secrets</code>,
          <code>accounts</code> and <code>doctor</code> show them: the same
          group means the same bytes, so the same password. Keys using an
          anonymous account count the sites, directories and files where it
          is in effect.</p>
      </xsl:when>
      <xsl:otherwise><p>No accounts.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The end of a key list that mbtool cut short. -->
  <xsl:template name="more">
    <xsl:param name="n"/>
    <xsl:if test="$n &gt; 0">
      <span class="more"> and <xsl:value-of
          select="format-number($n, '#,##0')"/> more (each is marked in
        the key tree)</span>
    </xsl:if>
  </xsl:template>

  <xsl:template match="doctor">
    <h2 id="doctor">Doctor findings</h2>
    <xsl:if test="not(finding)"><p>No problems found.</p></xsl:if>
    <xsl:for-each select="finding">
      <div id="{@anchor}" class="finding {@severity}">
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
            <xsl:call-template name="more">
              <xsl:with-param name="n" select="@keys - count(at)"/>
            </xsl:call-template>
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
      <!-- mbtool opens the top levels and the path down to every key
           that sets an identity or has a finding. -->
      <xsl:copy-of select="@open"/>
      <summary>
        <code><xsl:value-of select="@path"/></code>
        <xsl:text> </xsl:text>
        <span class="kt">[<xsl:value-of select="@keytype"/>]</span>
        <xsl:for-each select="acct">
          <span class="acct {@kind}" data-account="{@name}">
            <xsl:if test="not($folding)">
              <xsl:attribute name="title"><xsl:value-of select="@kind"/>
                <xsl:text> account set here, password group </xsl:text>
                <xsl:value-of select="@group"/></xsl:attribute>
            </xsl:if>
            <xsl:if test="@lockout = 'yes'">
              <xsl:attribute name="class">acct <xsl:value-of
                  select="@kind"/> lockout</xsl:attribute>
            </xsl:if>
            <xsl:value-of select="@name"/>
            <xsl:text> (</xsl:text><xsl:value-of
                select="@group"/><xsl:text>)</xsl:text>
          </span>
        </xsl:for-each>
        <xsl:for-each select="badge">
          <a class="badge {@severity}" href="#{@anchor}">
            <xsl:if test="not($folding)">
              <xsl:attribute name="title"><xsl:value-of
                  select="@title"/></xsl:attribute>
            </xsl:if>
            <xsl:value-of select="@id"/></a>
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
      <xsl:apply-templates select="key|group|slot|folded"/>
    </details>
  </xsl:template>

  <!-- Many children of one key (the sites of a hosting server), a few
       hundred to a closed group. -->
  <xsl:template match="group">
    <details class="group">
      <summary><code><xsl:value-of select="@first"/></code>
        <xsl:text> … </xsl:text>
        <code><xsl:value-of select="@last"/></code>
        <xsl:text> </xsl:text>
        <span class="kt">(<xsl:value-of
            select="format-number(@keys, '#,##0')"/> keys)</span>
      </summary>
      <xsl:apply-templates select="key|slot"/>
    </details>
  </xsl:template>

  <!-- The keys under a shown key that the folding rule leaves out. -->
  <xsl:template match="folded">
    <div class="folded">+ <xsl:value-of
        select="format-number(@keys, '#,##0')"/>
      <xsl:choose>
        <xsl:when test="@keys = 1"> key that inherits</xsl:when>
        <xsl:otherwise> keys that inherit</xsl:otherwise>
      </xsl:choose> their identity from here</div>
  </xsl:template>

  <!-- What the tree shows: the whole tree, or the folding rule. -->
  <xsl:template match="keys" mode="rule">
    <xsl:variable name="over" select="format-number(@fold-over, '#,##0')"/>
    <xsl:variable name="what" select="normalize-space('the keys that set
        an account name or password (any secure value), AuthFlags,
        LogonMethod, DefaultLogonDomain or an application pool identity
        (AppPoolIdentityType), the keys that a doctor finding names, and
        the keys on the path to them')"/>
    <p class="rule">
      <xsl:choose>
        <xsl:when test="$folding">
          <xsl:value-of select="normalize-space(concat(format-number(@total, '#,##0'),
              ' keys: ', format-number(@shown, '#,##0'), ' shown, ',
              format-number(@folded, '#,##0'), ' folded. A file of more than ',
              $over, ' keys shows only ', $what, '. Each of them lists only the
              values set at it (an inherited value is shown where it is set,
              above it). The other keys under a shown key are counted on one
              line, &quot;+ N keys that inherit their identity from
              here&quot;, and a key with more than ',
              format-number(@group, '#,##0'), ' shown keys directly under
              it has them in closed groups of ',
              format-number(@group, '#,##0'), '.'))"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="normalize-space(concat('All ',
              format-number(@total, '#,##0'), ' keys are shown. (A file of
              more than ', $over, ' keys shows only ', $what, ', and counts
              the other keys under each of them on one line.)'))"/>
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>
</xsl:stylesheet>
