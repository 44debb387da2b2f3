<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: MIT -->
<!-- mbtool report: the page frame of one self-contained HTML page (inline
     CSS, no scripts, no external resources), from the <mbreport> document
     of totals that mbtool makes (its format: src/cli/report_doc.c).

     The rows of the page are not in that document: mbtool writes them as
     HTML itself, at the slots this stylesheet leaves for them, so that a
     hosting server's 50,000 accounts and 250,000 keys never become an XML
     tree. A slot is the comment "mbtool-slot:NAME", for the sections
     "accounts" (the accounts table's rows, <tr> elements), "findings" (one
     <div class="finding"> per doctor finding), "checks" (<li> elements) and
     "tree" (the key tree: nested <details class="key"> elements, which open
     and close in any browser without scripts; each key shows the
     identities set there and links to the findings that name it). A
     section without a slot is left out of the page. -->
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
          <span>Identities: <xsl:value-of select="accounts/@count"/></span>
          <span><xsl:if test="accounts/@lockout-risks &gt; 0">
              <xsl:attribute name="class">risk</xsl:attribute>
            </xsl:if>Lockout risks: <xsl:value-of
                select="accounts/@lockout-risks"/></span>
          <span>Findings: <xsl:value-of select="doctor/@errors"/>
            error(s), <xsl:value-of select="doctor/@warnings"/>
            warning(s), <xsl:value-of select="doctor/@infos"/>
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
          <xsl:text>&#10;</xsl:text>
          <xsl:comment>mbtool-slot:tree</xsl:comment>
          <xsl:text>&#10;</xsl:text>
        </div>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="accounts">
    <h2 id="accounts">Accounts</h2>
    <xsl:choose>
      <xsl:when test="@count &gt; 0">
        <table>
          <tr><th>Account</th><th>Kind</th><th>Keys using it</th>
            <th>Password groups</th><th>Set at (password group)</th>
            <xsl:if test="@windows = 'yes'">
              <th>Windows side (from the server's hives)</th>
            </xsl:if></tr>
          <xsl:comment>mbtool-slot:accounts</xsl:comment>
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

  <xsl:template match="doctor">
    <h2 id="doctor">Doctor findings</h2>
    <xsl:if test="@findings = 0"><p>No problems found.</p></xsl:if>
    <xsl:comment>mbtool-slot:findings</xsl:comment>
    <h2 id="checks">Checks that need Windows</h2>
    <ul class="checks">
      <xsl:comment>mbtool-slot:checks</xsl:comment>
    </ul>
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
        <xsl:when test="@folding = 'yes'">
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
