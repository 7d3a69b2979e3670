"""EU Digital COVID Certificates: issue (payload, UVCI, COSE, HC1), verify, print.

Entry points for the CLI and the GUI:

* ``verify.verify_hc1(text, trust, at)`` -> ``VerifyResult`` (never raises on bad input);
* ``trust.load_trust(path)`` / ``trust.default_trust()`` / ``trust.install_trust_list(path)``;
* ``holder.prefill(payload)`` -> ``Prefill`` for "übernehmen" on the scan page, and
  ``adopt.adopt_certificate(session, actor, prefill, person_id=None)`` to store it;
* ``issue.issue_certificate(session, actor, vaccination_id, key, cert)`` -> ``Certificate``;
* ``keys.require_identity()`` / ``keys.install_identity()`` / ``keys.write_training_files()``;
* ``printing.write_certificate(session, certificate, path)`` (.pdf/.png/.txt, also
  reprints) / ``printing.measles_pdf(session, person_id)``.
"""
