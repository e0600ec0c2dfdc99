#!/usr/bin/env bash
# Install the Debian packages corptier needs when they are missing: a CJK font for reports,
# poppler-utils for PDF checks, pango for WeasyPrint, Java 17 for Spark, Chromium and its driver
# for the browser tests (tests/e2e). Never fails the build:
# what cannot be installed is reported, and the code says clearly what it misses at run time.
set -u
need=()
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
command -v fc-list >/dev/null || need+=(fontconfig)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
((${#need[@]})) || exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
    || echo "warning: could not install ${need[*]}; reports, Spark or browser tests may be limited" >&2
else
  echo "warning: missing system packages ${need[*]} (run as root or install them yourself)" >&2
fi
exit 0
