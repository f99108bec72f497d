#!/usr/bin/env bash
# Copy the npm packages' browser builds into the git-ignored static vendor folder.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=dangjian/static/vendor
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/echarts" "$dest/tom-select"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
cp node_modules/tom-select/dist/js/tom-select.complete.min.js "$dest/tom-select/"
cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css "$dest/tom-select/"
