"""The briefs layer: documents for readers, made in batches.

- :mod:`huainan.briefs.parameters` parameter and batch files (YAML) and their validation;
- :mod:`huainan.briefs.batch` the Papermill batch runner (manifest, reuse, stop signals);
- :mod:`huainan.briefs.publish` code-free HTML, the run index;
- :mod:`huainan.briefs.charts` figures with the bundled CJK font;
- :mod:`huainan.briefs.report` tables and sentences for the briefs;
- :mod:`huainan.briefs.briefing` the evidence a domain brief shows.

Imports the layers below; never :mod:`huainan.apps`.
"""
