"""EU Digital COVID Certificates: issue (payload, UVCI, COSE, HC1), verify, print.

Entry points for the CLI and the GUI:

* ``verify.verify_hc1(text, trust, at)`` -> ``VerifyResult`` (never raises on bad input);
* ``trust.load_trust(path)`` / ``trust.default_trust()`` / ``trust.install_trust_list(path)``;
* ``holder.prefill(payload)`` -> ``Prefill`` for "übernehmen" on the scan page;
* ``issue.issue_certificate(session, actor, vaccination_id, key, cert)`` -> ``Certificate``;
* ``keys.require_identity()`` / ``keys.install_identity()`` / ``keys.write_training_files()``;
* ``pdf.certificate_pdf(...)`` / ``pdf.measles_pdf(...)``.
"""
