"""The classroom kit: everything a teacher needs, built from the course's own sources.

- ``sources``: reads what the chapters already say (objectives from each notebook, the figures
  each notebook shows, the question banks and their answer keys) and the teacher's hand-written
  notes in ``sciatica_course/data/teacher/<stem>.yaml``; nothing is typed twice.
- ``guide``: the teacher guide pages (``book/teacher``) and the teacher edition's config.
- ``handouts``: per chapter a student PDF and a teacher key PDF (Chromium's print to PDF).
- ``slides``: reveal.js slides per chapter in their own form (points, figures, questions; prose in the speaker notes).
- ``report``: merges learners' exported quiz results into a class summary.
- ``hub``: nbgitpuller and Binder links for running the course with a class.
"""
