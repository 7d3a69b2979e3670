<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name />
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="19" />
        <source>&amp;Neue Person (Strg+N)</source>
        <translation>&amp;New person (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="20" />
        <source>&amp;Impfen (Strg+I)</source>
        <translation>&amp;Vaccinate (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="21" />
        <source>&amp;Rückgängig (Strg+Z)</source>
        <translation>&amp;Undo (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="22" />
        <source>S&amp;tornieren…</source>
        <translation>Vo&amp;id…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="23" />
        <source>Zertifikat &amp;drucken (Strg+P)</source>
        <translation>&amp;Print certificate (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="24" />
        <source>Einsatz &amp;abschließen…</source>
        <translation>&amp;Close visit…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="25" />
        <source>&amp;Team…</source>
        <translation>&amp;Team…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="26" />
        <source>Einsatz &amp;beginnen</source>
        <translation>&amp;Start visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="28" />
        <source>Vertretung ins Team aufnehmen oder austragen</source>
        <translation>Add a stand-in to the team or take someone off</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="29" />
        <source>Geplanten Einsatz von heute beginnen</source>
        <translation>Start today's planned visit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="30" />
        <source>Neue Person aufnehmen (Strg+N)</source>
        <translation>Register a new person (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="31" />
        <source>Markierte Person impfen (Strg+I, Enter)</source>
        <translation>Vaccinate the selected person (Ctrl+I, Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="32" />
        <source>Eigene letzte Impfung zurücknehmen, 10 Minuten lang (Strg+Z)</source>
        <translation>Take back your own last dose, for 10 minutes (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="33" />
        <source>Markierte Impfung mit Begründung stornieren</source>
        <translation>Void the selected dose with a reason</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="34" />
        <source>Zertifikat der letzten Impfung (Strg+P)</source>
        <translation>Certificate of the last dose (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_buttons.py" line="35" />
        <source>Zusammenfassung, verworfene Dosen, abschließen</source>
        <translation>Summary, discarded doses, close</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="14" />
        <source>Verwaltung – Zertifikatsprüfung</source>
        <translation>Administration – certificate checking</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="26" />
        <source>Vertrauensliste &amp;importieren…</source>
        <translation>&amp;Import trust list…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="47" />
        <source>Vertrauensliste: %1 Signaturzertifikate, Stand %2</source>
        <translation>Trust list: %1 signing certificates, as of %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="50" />
        <source>Die Vertrauensliste ist älter als 7 Tage oder fehlt: bitte eine aktuelle Liste importieren, sonst werden neue Aussteller als unbekannt gemeldet.</source>
        <translation>The trust list is older than 7 days or missing: please import a current list, otherwise new issuers are reported as unknown.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="54" />
        <source>Kein Signaturschlüssel installiert: Zertifikate können nicht ausgestellt werden (IT: „keys install“).</source>
        <translation>No signing key installed: certificates cannot be issued (IT: "keys install").</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="57" />
        <source>Signaturschlüssel %1, gültig bis %2</source>
        <translation>Signing key %1, valid until %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="62" />
        <source>TRAINING/MUSTER, nicht für echte Zertifikate</source>
        <translation>TRAINING/SPECIMEN, not for real certificates</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="68" />
        <source>Vertrauensliste öffnen</source>
        <translation>Open trust list</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="69" />
        <source>Vertrauensliste (*.json *.pem *.der *.crt)</source>
        <translation>Trust list (*.json *.pem *.der *.crt)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/admin_page.py" line="77" />
        <source>Vertrauensliste übernommen.</source>
        <translation>Trust list imported.</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="83" />
        <source>Impfteam – Fehler</source>
        <translation>Impfteam – Error</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="101" />
        <source>Impfteam – Ersteinrichtung</source>
        <translation>Impfteam – first set-up</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="104" />
        <source>Noch kein Benutzerkonto. Benutzername der Administration:</source>
        <translation>No user account yet. Login of the administrator:</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="110" />
        <source>Passwort (mindestens 8 Zeichen):</source>
        <translation>Password (at least 8 characters):</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="115" />
        <source>Passwort wiederholen:</source>
        <translation>Repeat the password:</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="120" />
        <source>Die Passwörter stimmen nicht überein.</source>
        <translation>The passwords do not match.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="138" />
        <location filename="../../ui/app.py" line="143" />
        <source>Impfteam</source>
        <translation>Impfteam</translation>
    </message>
</context>
<context>
    <name>BackEntryDialog</name>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="39" />
        <source>Frühere Impfung nachtragen</source>
        <translation>Add an earlier dose</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="63" />
        <source>&amp;Begründung</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="66" />
        <source>z. B. Impfpass geprüft, Angaben stimmen</source>
        <translation>e.g. vaccination card checked, details correct</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="73" />
        <source>Impf&amp;datum</source>
        <translation>Vaccination &amp;date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="74" />
        <source>&amp;Impfstoff</source>
        <translation>&amp;Vaccine</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="75" />
        <source>&amp;Charge</source>
        <translation>&amp;Lot</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="76" />
        <source>Dosis-Nr.</source>
        <translation>Dose no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="77" />
        <source>Dosen der Serie</source>
        <translation>Doses in series</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/back_entry_dialog.py" line="78" />
        <source>&amp;Quelle</source>
        <translation>&amp;Source</translation>
    </message>
</context>
<context>
    <name>CloseVisitDialog</name>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="31" />
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="67" />
        <source>Einsatz abschließen</source>
        <translation>Close visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="38" />
        <source>Impfungen nach Impfstoff:</source>
        <translation>Doses by vaccine:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="39" />
        <source>Storniert: %1</source>
        <translation>Voided: %1</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="42" />
        <source>Charge</source>
        <translation>Lot</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="42" />
        <source>zugeteilt</source>
        <translation>allocated</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="42" />
        <source>verimpft</source>
        <translation>used</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="43" />
        <source>übrig</source>
        <translation>left</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="43" />
        <source>verworfen</source>
        <translation>discarded</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="43" />
        <source>Grund</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/close_visit_dialog.py" line="52" />
        <source>z. B. angebrochene Vials</source>
        <translation>e.g. opened vials</translation>
    </message>
</context>
<context>
    <name>ConflictModel</name>
    <message>
        <location filename="../../ui/models/conflicts_model.py" line="14" />
        <source>Zeit</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/models/conflicts_model.py" line="16" />
        <source>Art</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/models/conflicts_model.py" line="17" />
        <source>Datensatz</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../ui/models/conflicts_model.py" line="18" />
        <source>Behalten</source>
        <translation>Kept</translation>
    </message>
    <message>
        <location filename="../../ui/models/conflicts_model.py" line="19" />
        <source>Regel</source>
        <translation>Rule</translation>
    </message>
    <message>
        <location filename="../../ui/models/conflicts_model.py" line="20" />
        <source>Beschreibung</source>
        <translation>Description</translation>
    </message>
</context>
<context>
    <name>DoseDialog</name>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="54" />
        <source>Impfung dokumentieren</source>
        <translation>Document vaccination</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="78" />
        <source>COVID-19: %1 · Masern: %2</source>
        <translation>COVID-19: %1 · Measles: %2</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="94" />
        <source>Auffrischimpfung</source>
        <translation>Booster</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="97" />
        <source>Ergibt sich aus Dosis-Nr. und Serienlänge</source>
        <translation>Follows from dose number and series length</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="99" />
        <source>von</source>
        <translation>of</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="110" />
        <source>Trotz Warnung impfen, Begründung:</source>
        <translation>Vaccinate despite warning, reason:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="129" />
        <source>%1 ist in diesem Einsatz nicht als Impfende/r im Team: bitte die impfende Person wählen (oder über „Team…“ als Vertretung aufnehmen).</source>
        <translation>%1 is not on this visit's team as a vaccinator: please choose who vaccinates (or add them as a stand-in via “Team…”).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="134" />
        <source>&amp;Impfstoff</source>
        <translation>&amp;Vaccine</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="135" />
        <source>&amp;Charge</source>
        <translation>&amp;Lot</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="136" />
        <source>Dosis</source>
        <translation>Dose</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="137" />
        <source>Indikation</source>
        <translation>Indication</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="138" />
        <source>Injektionsstelle</source>
        <translation>Injection site</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="139" />
        <source>Verantwortl. Ärztin/Arzt</source>
        <translation>Responsible physician</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="140" />
        <source>Impfende/r</source>
        <translation>Vaccinator</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="146" />
        <source>Anamnese</source>
        <translation>Medical history</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="148" />
        <source>&amp;Alle bestätigt</source>
        <translation>&amp;All confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="150" />
        <source>Alle Punkte der Aufklärung bestätigen (Alt+A)</source>
        <translation>Confirm all information items (Alt+A)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="154" />
        <source>Aufklärung durch</source>
        <translation>Information given by</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="162" />
        <source>&amp;Speichern (Strg+S)</source>
        <translation>&amp;Save (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="197" />
        <source>– bitte wählen –</source>
        <translation>– please choose –</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="309" />
        <source>Keine verwendbare Charge für diesen Einsatz (abgelaufen oder aufgebraucht).</source>
        <translation>No usable lot for this visit (expired or used up).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="314" />
        <source>Wird gespeichert …</source>
        <translation>Saving …</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/dose_dialog.py" line="215" />
        <source>%1 · verwendbar bis %2 · %3 übrig</source>
        <translation>%1 · usable until %2 · %3 left</translation>
    </message>
</context>
<context>
    <name>DoseModel</name>
    <message>
        <location filename="../../ui/models/field_models.py" line="42" />
        <source>Zeit</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="44" />
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="46" />
        <source>Impfstoff</source>
        <translation>Vaccine</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="47" />
        <source>Charge</source>
        <translation>Lot</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="48" />
        <source>Dosis</source>
        <translation>Dose</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="50" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="51" />
        <source>storniert</source>
        <translation>voided</translation>
    </message>
</context>
<context>
    <name>ExchangePage</name>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="69" />
        <source>Austausch mit dem Impfzentrum</source>
        <extracomment>The application's write path (a page of its own, e.g. at the hub, gets one).</extracomment>
        <translation>Exchange with the vaccination centre</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="76" />
        <source>vollständig (statt nur Änderungen)</source>
        <translation>complete (instead of changes only)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="81" />
        <source>Passwort (mind. 12 Zeichen) – Pflicht, wenn der Exportschutz eingeschaltet ist</source>
        <translation>Password (at least 12 characters) – required when export protection is on</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="83" />
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="85" />
        <source>Tag:</source>
        <translation>Day:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="87" />
        <source>&amp;Tagesbericht (Excel)…</source>
        <translation>&amp;Daily report (Excel)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="89" />
        <source>DIM von/bis:</source>
        <translation>DIM from/to:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="94" />
        <source>&amp;DIM-Export (CSV)…</source>
        <translation>DI&amp;M export (CSV)…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="96" />
        <source>Passwort:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="99" />
        <source>&amp;Paket für das Impfzentrum…</source>
        <translation>&amp;Package for the vaccination centre…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="101" />
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="104" />
        <source>Pakete &amp;einlesen…</source>
        <translation>&amp;Read packages…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="105" />
        <source>Stammdaten &amp;prüfen…</source>
        <translation>&amp;Check master data…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="107" />
        <source>Stammdaten ein&amp;lesen…</source>
        <translation>Import master &amp;data…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="109" />
        <source>&amp;Vorlage speichern…</source>
        <translation>Save &amp;template…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="113" />
        <source>Abbrechen</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="136" />
        <source>Konfliktprotokoll der Zusammenführungen</source>
        <translation>Conflict log of merges</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="184" />
        <source>Läuft …</source>
        <translation>Running …</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="188" />
        <source>der Import</source>
        <translation>the import</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="232" />
        <source>Tagesbericht speichern</source>
        <translation>Save daily report</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="244" />
        <source>Tagesbericht gespeichert: %1 Impfungen → %2</source>
        <translation>Daily report saved: %1 doses → %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="253" />
        <source>DIM-Export speichern</source>
        <translation>Save DIM export</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="265" />
        <source>DIM-Export gespeichert: %1 Zeilen → %2</source>
        <translation>DIM export saved: %1 rows → %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="270" />
        <source>Paket speichern</source>
        <translation>Save package</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="282" />
        <source>Paket gespeichert: %1 Datensätze → %2</source>
        <translation>Package saved: %1 records → %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="284" />
        <source>der Export</source>
        <translation>the export</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="291" />
        <source>Pakete einlesen (mehrere wählbar)</source>
        <translation>Read packages (several can be chosen)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="292" />
        <source>Paket (*.zip)</source>
        <translation>Package (*.zip)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="311" />
        <source>Stammdaten einlesen</source>
        <translation>Import master data</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="325" />
        <source>Geprüft, keine Fehler.</source>
        <translation>Checked, no errors.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="326" />
        <source>Eingelesen.</source>
        <translation>Imported.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="329" />
        <source>Vorlage speichern</source>
        <translation>Save template</translation>
    </message>
    <message>
        <location filename="../../ui/pages/exchange_page.py" line="334" />
        <source>Vorlage gespeichert: %1</source>
        <translation>Template saved: %1</translation>
    </message>
</context>
<context>
    <name>FieldHeader</name>
    <message>
        <location filename="../../ui/pages/field_header.py" line="37" />
        <source>Angemeldet: %1 · Geimpft: %2 · Wartend: %3 · Nicht übertragen: %4</source>
        <translation>Checked in: %1 · Vaccinated: %2 · Waiting: %3 · Not yet synced: %4</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_header.py" line="41" />
        <source>Team: %1</source>
        <translation>Team: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_header.py" line="45" />
        <source>%1 übrig</source>
        <translation>%1 left</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_header.py" line="46" />
        <source>nicht verwendbar: %1</source>
        <translation>not usable: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_header.py" line="49" />
        <source>Chargen:</source>
        <translation>Lots:</translation>
    </message>
</context>
<context>
    <name>FieldPage</name>
    <message>
        <location filename="../../ui/pages/field_page.py" line="86" />
        <source>Ticket oder Zertifikat scannen – oder Name / Geburtsdatum tippen (F2)</source>
        <translation>Scan ticket or certificate – or type name / date of birth (F2)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="107" />
        <source>Check-in-Zeile (F2)</source>
        <translation>Check-in line (F2)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="138" />
        <source>Warteschlange (Enter: impfen)</source>
        <translation>Queue (Enter: vaccinate)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="139" />
        <source>Heute geimpft</source>
        <translation>Vaccinated today</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="219" />
        <source>Einsatz begonnen.</source>
        <translation>Visit started.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="253" />
        <source>Dieses Ticket gehört zu einem anderen Einsatz.</source>
        <translation>This ticket belongs to another visit.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="261" />
        <source>Code nicht erkannt: kein Impfteam-Ticket und kein Impfzertifikat. Bitte Namen eingeben.</source>
        <translation>Code not recognised: neither an Impfteam ticket nor a vaccination certificate. Please type the name.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="273" />
        <source>Niemand gefunden. Neue Person aufnehmen mit Strg+N.</source>
        <translation>Nobody found. Register a new person with Ctrl+N.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="321" />
        <source>Angemeldet, Nr. %1. Enter in der Warteschlange öffnet die Impfung.</source>
        <translation>Checked in, no. %1. Enter in the queue opens the vaccination.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="364" />
        <source>Bitte zuerst eine Person in der Warteschlange wählen.</source>
        <translation>Please select a person in the queue first.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="372" />
        <source>Impfung gespeichert. Strg+P druckt das Zertifikat; Strg+Z macht die Impfung in den nächsten 10 Minuten rückgängig.</source>
        <translation>Vaccination saved. Ctrl+P prints the certificate; Ctrl+Z undoes the vaccination within the next 10 minutes.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="413" />
        <source>Zertifikat erstellt: %1</source>
        <translation>Certificate created: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="385" />
        <source>Letzte Impfung rückgängig gemacht (storniert: rueckgaengig).</source>
        <translation>Last vaccination undone (voided: rueckgaengig).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="282" />
        <source>unlesbar</source>
        <translation>unreadable</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="283" />
        <source>Zertifikat nicht lesbar (%1). Bitte erneut scannen.</source>
        <translation>Certificate not readable (%1). Please scan again.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="288" />
        <source>Im Zertifikat fehlt der Name. Bitte Person von Hand suchen.</source>
        <translation>The certificate has no name. Please search for the person by hand.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="302" />
        <source>Zertifikat gelesen: %1, %2 – noch nicht registriert.</source>
        <translation>Certificate read: %1, %2 – not registered yet.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/field_page.py" line="324" />
        <location filename="../../ui/pages/field_page.py" line="344" />
        <source>%n Impfung(en) aus dem Zertifikat übernommen.</source>
        <translation><numerusform>%n dose adopted from the certificate.</numerusform><numerusform>%n doses adopted from the certificate.</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="392" />
        <source>Bitte eine Impfung in „Heute geimpft“ wählen.</source>
        <translation>Please select a dose in "Vaccinated today".</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="395" />
        <source>Impfung stornieren</source>
        <translation>Void vaccination</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="396" />
        <source>Grund der Stornierung (Pflicht):</source>
        <translation>Reason for voiding (required):</translation>
    </message>
    <message>
        <location filename="../../ui/pages/field_page.py" line="401" />
        <source>Impfung storniert.</source>
        <translation>Vaccination voided.</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../ui/pages/person_page.py" line="38" />
        <source>Datum</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="40" />
        <source>Impfstoff</source>
        <translation>Vaccine</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="41" />
        <source>Charge</source>
        <translation>Lot</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="42" />
        <source>Dosis</source>
        <translation>Dose</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="44" />
        <source>Quelle</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="45" />
        <source>Ort</source>
        <translation>Place</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="46" />
        <source>Storniert</source>
        <translation>Voided</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="10" />
        <source>Ärztin/Arzt</source>
        <translation>Physician</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="11" />
        <source>Impfende/r</source>
        <translation>Vaccinator</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="12" />
        <source>Verwaltung</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="13" />
        <source>Teamleitung</source>
        <translation>Team lead</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="14" />
        <source>IT</source>
        <translation>IT</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="17" />
        <source>weiblich</source>
        <translation>female</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="18" />
        <source>männlich</source>
        <translation>male</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="19" />
        <source>divers</source>
        <translation>diverse</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="20" />
        <source>unbekannt</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="23" />
        <source>Kundin/Kunde Jobcenter (SGB II)</source>
        <translation>Jobcenter client (SGB II)</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="24" />
        <source>Beschäftigte/r Jobcenter</source>
        <translation>Jobcenter staff</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="25" />
        <location filename="../../ui/labels.py" line="32" />
        <location filename="../../ui/labels.py" line="43" />
        <source>Sonstige</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="28" />
        <source>Alter</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="29" />
        <source>Beruf</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="30" />
        <source>medizinische Indikation</source>
        <translation>medical indication</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="31" />
        <source>Pflegeheim</source>
        <translation>Care home</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="35" />
        <source>Oberarm links</source>
        <translation>Left upper arm</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="36" />
        <source>Oberarm rechts</source>
        <translation>Right upper arm</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="37" />
        <source>Oberschenkel links</source>
        <translation>Left thigh</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="38" />
        <source>Oberschenkel rechts</source>
        <translation>Right thigh</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="41" />
        <source>Jobcenter</source>
        <translation>Jobcenter</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="42" />
        <source>Kommunale Liegenschaft</source>
        <translation>Municipal building</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="46" />
        <source>geplant</source>
        <translation>planned</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="47" />
        <source>aktiv</source>
        <translation>active</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="48" />
        <source>abgeschlossen</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="51" />
        <source>wartet</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="52" />
        <location filename="../../ui/labels.py" line="56" />
        <source>geimpft</source>
        <translation>vaccinated</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="53" />
        <source>gegangen</source>
        <translation>left</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="57" />
        <source>genesen</source>
        <translation>recovered</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="58" />
        <source>getestet</source>
        <translation>tested</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="59" />
        <source>unvollständig</source>
        <translation>incomplete</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="60" />
        <source>ungeimpft</source>
        <translation>unvaccinated</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="63" />
        <source>erfüllt</source>
        <translation>fulfilled</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="64" />
        <source>nicht erfüllt</source>
        <translation>not fulfilled</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="65" />
        <source>nicht erforderlich</source>
        <translation>not required</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="66" />
        <source>befreit</source>
        <translation>exempt</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="69" />
        <source>verabreicht</source>
        <translation>administered</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="70" />
        <source>Nachtrag aus Impfpass</source>
        <translation>Back-entry from vaccination record</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="71" />
        <source>Nachtrag aus Zertifikat</source>
        <translation>Back-entry from certificate</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="196" />
        <source>Impfteam</source>
        <translation>Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="171" />
        <source>&amp;Datei</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="172" />
        <source>&amp;Ansicht</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="173" />
        <source>&amp;Hilfe</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="174" />
        <source>&amp;Aktualisieren</source>
        <translation>&amp;Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="175" />
        <source>&amp;Beenden</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="176" />
        <source>&amp;Einsätze</source>
        <translation>&amp;Visits</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="176" />
        <source>&amp;Personen</source>
        <translation>&amp;Persons</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="176" />
        <source>Einsatz &amp;heute</source>
        <translation>Visit &amp;today</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="177" />
        <source>Person &amp;Details</source>
        <translation>Person &amp;details</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="177" />
        <source>Zertifikat &amp;prüfen</source>
        <translation>&amp;Check certificate</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="178" />
        <source>&amp;Verwaltung</source>
        <translation>&amp;Administration</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="178" />
        <source>Aus&amp;tausch</source>
        <translation>E&amp;xchange</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="181" />
        <source>Person &amp;suchen</source>
        <translation>&amp;Find person</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="182" />
        <source>Ü&amp;ber Impfteam</source>
        <translation>&amp;About Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="195" />
        <source>SCHULUNGSDATEN</source>
        <translation>TRAINING DATA</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="199" />
        <source>Angemeldet: %1 · Datenbank: %2</source>
        <translation>Signed in: %1 · Database: %2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="206" />
        <source>Über Impfteam</source>
        <translation>About Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="207" />
        <source>Impfteam – Offline-Dokumentation für mobile Impfteams.
Kreisdaten: RKI/Destatis (dl-de/by-2-0); PLZ: OpenStreetMap (ODbL).</source>
        <translation>Impfteam – offline documentation for mobile vaccination teams.
District data: RKI/Destatis (dl-de/by-2-0); postcodes: OpenStreetMap (ODbL).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="223" />
        <source>Import läuft</source>
        <translation>Import running</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="224" />
        <source>Ein Import läuft noch. Warten, bis er fertig ist, und dann beenden?</source>
        <translation>An import is still running. Wait until it is done and then quit?</translation>
    </message>
</context>
<context>
    <name>PersonHitModel</name>
    <message>
        <location filename="../../ui/models/persons_model.py" line="16" />
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/models/persons_model.py" line="18" />
        <source>Geburtsdatum</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../ui/models/persons_model.py" line="20" />
        <source>PLZ</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <location filename="../../ui/models/persons_model.py" line="21" />
        <source>Treffer</source>
        <translation>Match</translation>
    </message>
</context>
<context>
    <name>PersonPage</name>
    <message>
        <location filename="../../ui/pages/person_page.py" line="73" />
        <source>Mögliche Dubletten (gleicher Name und Geburtstag):</source>
        <translation>Possible duplicates (same name and birthday):</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="78" />
        <source>Ist dieselbe Person – &amp;zusammenführen</source>
        <translation>Same person – &amp;merge</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="81" />
        <source>Frühere Impfung &amp;nachtragen…</source>
        <translation>Add &amp;earlier dose…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="91" />
        <source>Impfungen</source>
        <translation>Vaccinations</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="98" />
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="124" />
        <source>COVID-19 heute: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>COVID-19 today: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="126" />
        <source>nächste Dosis ab %1</source>
        <translation>next dose from %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="130" />
        <source>Masernschutz: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Measles protection: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/pages/person_page.py" line="156" />
        <source>Zusammengeführt; die Impfungen beider Einträge zählen jetzt hier.</source>
        <translation>Merged; the doses of both records now count here.</translation>
    </message>
</context>
<context>
    <name>PersonsPage</name>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="60" />
        <source>Personen suchen</source>
        <translation>Find persons</translation>
    </message>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="62" />
        <source>Nachname, Vorname oder Geburtsdatum (TT.MM.JJJJ) – Tippfehler erlaubt</source>
        <translation>Family name, given name or date of birth (DD.MM.YYYY) – typos allowed</translation>
    </message>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="63" />
        <source>Suche (Strg+F)</source>
        <translation>Search (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="75" />
        <source>Keine Treffer. Person neu aufnehmen?</source>
        <translation>No matches. Register a new person?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/persons_page.py" line="77" />
        <source>%n Treffer</source>
        <translation><numerusform>%n match</numerusform><numerusform>%n matches</numerusform></translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../ui/models/field_models.py" line="22" />
        <source>Nr.</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="25" />
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="27" />
        <source>Geboren</source>
        <translation>Born</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="29" />
        <source>Seit</source>
        <translation>Since</translation>
    </message>
    <message>
        <location filename="../../ui/models/field_models.py" line="31" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>RegistrationDialog</name>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="66" />
        <source>Person aufnehmen</source>
        <translation>Register person</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="98" />
        <source>&amp;Nachname*</source>
        <translation>&amp;Family name*</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="99" />
        <source>&amp;Vorname*</source>
        <translation>&amp;Given name*</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="100" />
        <source>&amp;Geburtsdatum*</source>
        <translation>&amp;Date of birth*</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="101" />
        <source>Geschlecht</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="102" />
        <source>Straße, Nr.</source>
        <translation>Street, no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="103" />
        <source>&amp;PLZ</source>
        <translation>&amp;Postcode</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="104" />
        <source>Ort</source>
        <translation>Place</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="105" />
        <source>Kreis</source>
        <translation>District</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="106" />
        <source>Telefon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="107" />
        <source>&amp;Zielgruppe</source>
        <translation>&amp;Target group</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="108" />
        <source>Notiz</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="119" />
        <source>Mögliche Dubletten – bitte prüfen:</source>
        <translation>Possible duplicates – please check:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="120" />
        <source>Ist &amp;dieselbe Person</source>
        <translation>&amp;Same person</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="124" />
        <source>&amp;Trotzdem als neue Person anlegen</source>
        <translation>Create as a new person &amp;anyway</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="135" />
        <source>&amp;Speichern</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="171" />
        <source>Aus dem Zertifikat übernommen (Namen bitte prüfen). Beim Speichern wird die Impfung aus dem Zertifikat als Nachtrag gespeichert.</source>
        <translation>Taken from the certificate (please check the names). Saving also stores the certificate's dose as a back-entry.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="192" />
        <source>– bitte Kreis wählen –</source>
        <translation>– please choose the district –</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/registration_dialog.py" line="198" />
        <source>PLZ nicht in NRW/Hessen bekannt – Kreis bitte prüfen.</source>
        <translation>Postcode not known in NRW/Hesse – please check the district.</translation>
    </message>
</context>
<context>
    <name>ScanPage</name>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="57" />
        <source>Zertifikat prüfen</source>
        <translation>Check certificate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="63" />
        <source>Mit dem Handscanner scannen oder HC1-Text einfügen, Enter prüft</source>
        <translation>Scan with the hand scanner or paste HC1 text, Enter checks</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="65" />
        <source>Bild&amp;datei öffnen…</source>
        <translation>Open image &amp;file…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="82" />
        <location filename="../../ui/pages/scan_page.py" line="194" />
        <source>&amp;Übernehmen</source>
        <translation>&amp;Adopt</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="95" />
        <source>Übernehmen in (Dublettensuche):</source>
        <translation>Adopt into (duplicate search):</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="114" />
        <source>Kamera aktiv – Code vor die Kamera halten.</source>
        <translation>Camera active – hold the code in front of the camera.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="116" />
        <source>Keine Kamera gefunden – Handscanner oder Bilddatei verwenden.</source>
        <translation>No camera found – use the hand scanner or an image file.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="146" />
        <source>Bild mit QR-Code öffnen</source>
        <translation>Open image with QR code</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="147" />
        <source>Bilder (*.png *.jpg *.jpeg *.bmp)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="186" />
        <source>Neue Person anlegen</source>
        <translation>Create new person</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="215" />
        <source>Übernommen: %1 Impfung(en) als Nachtrag.</source>
        <translation>Adopted: %1 dose(s) as back-entries.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/scan_page.py" line="227" />
        <source>&amp;Trotzdem als neue Person übernehmen</source>
        <translation>Adopt as a new person &amp;anyway</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="49" />
        <source>Anmelden – Impfteam</source>
        <translation>Sign in – Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="72" />
        <source>heute</source>
        <translation>today</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="73" />
        <source>%1 (Planung)</source>
        <translation>%1 (planning)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="76" />
        <source>ohne Einsatz (Planung, Auswertung)</source>
        <translation>no visit (planning, reports)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="77" />
        <source>Einsatz jetzt &amp;beginnen</source>
        <translation>&amp;Start the visit now</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="80" />
        <source>Namen (oder Benutzernamen) tippen, Tab, Passwort; Enter meldet an.</source>
        <translation>Type your name (or login), Tab, password; Enter signs in.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="105" />
        <source>Noch kein Personal angelegt: mit dem Benutzernamen anmelden und Stammdaten importieren.</source>
        <translation>No staff yet: sign in with your login and import the master data.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="87" />
        <source>&amp;Mitarbeiter/in:</source>
        <translation>&amp;Staff member:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="88" />
        <source>&amp;Passwort:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="89" />
        <source>&amp;Einsatz:</source>
        <translation>&amp;Visit:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/signin_dialog.py" line="94" />
        <source>Anmelden</source>
        <translation>Sign in</translation>
    </message>
</context>
<context>
    <name>TeamDialog</name>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="38" />
        <source>Team des Einsatzes</source>
        <translation>Team of the visit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="47" />
        <source>eigene Rolle</source>
        <translation>own role</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="50" />
        <source>Als &amp;Vertretung aufnehmen</source>
        <translation>Add as &amp;stand-in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="52" />
        <source>Aus dem Team &amp;nehmen</source>
        <translation>&amp;Take off the team</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="66" />
        <source>Team:</source>
        <translation>Team:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="69" />
        <source>Vertretung aufnehmen:</source>
        <translation>Add a stand-in:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/team_dialog.py" line="114" />
        <source>Team geändert.</source>
        <translation>Team changed.</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../ui/pages/today_page.py" line="91" />
        <source>Einsätze – %1</source>
        <translation>Visits – %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="92" />
        <source>Heute</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="93" />
        <source>&amp;Wartenummern drucken… (markierter Einsatz)</source>
        <translation>Print &amp;queue tickets… (selected visit)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="95" />
        <source>Nummerierte Karten mit Check-in-QR-Code, ohne persönliche Daten</source>
        <translation>Numbered cards with a check-in QR code, no personal data</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/today_page.py" line="97" />
        <source>Demnächst (nächste %n Tage)</source>
        <translation><numerusform>Upcoming (next %n day)</numerusform><numerusform>Upcoming (next %n days)</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="114" />
        <source>Keine Einsätze in den nächsten 14 Tagen. Die Einsätze kommen mit den Stammdaten des Impfzentrums (Austausch → Stammdaten einlesen, Strg+6).</source>
        <translation>No visits in the next 14 days. Visits come with the vaccination centre's master data (Exchange → Import master data, Ctrl+6).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="117" />
        <source>Für heute ist kein Einsatz geplant.</source>
        <translation>No visit is planned for today.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="121" />
        <source>Einsätze konnten nicht geladen werden: %1</source>
        <translation>Visits could not be loaded: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="136" />
        <source>Bitte zuerst einen Einsatz markieren.</source>
        <translation>Please select a visit first.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="139" />
        <source>Wartenummern drucken</source>
        <translation>Print queue tickets</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="140" />
        <source>Anzahl Karten:</source>
        <translation>Number of cards:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="154" />
        <source>Wartenummern %1–%2 erstellt: %3</source>
        <translation>Queue tickets %1–%2 created: %3</translation>
    </message>
</context>
<context>
    <name>VisitTableModel</name>
    <message>
        <location filename="../../ui/models/visits_model.py" line="20" />
        <source>Datum</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="22" />
        <source>Zeit</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="23" />
        <source>Standort</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="24" />
        <source>Art</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="26" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="28" />
        <source>Impfungen / Kapazität</source>
        <translation>Doses / capacity</translation>
    </message>
</context>
<context>
    <name>WritePath</name>
    <message>
        <location filename="../../ui/write_path.py" line="119" />
        <source>der Import</source>
        <extracomment>Emitted on the GUI thread after every successful write, with its ``Changes``. A German note for the status bar (a save queued behind an import). Emitted when no write is pending any more (tests wait on it).</extracomment>
        <translation>the import</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="120" />
        <source>Wird gespeichert, sobald %1 fertig ist …</source>
        <translation>Will be saved as soon as %1 is done …</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="178" />
        <source>Nicht gespeichert: die Datenbank ist belegt. Bitte erneut speichern.</source>
        <translation>Not saved: the database is busy. Please save again.</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="193" />
        <source>Datenbank belegt</source>
        <translation>Database busy</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="194" />
        <source>Die Datenbank ist gerade belegt (z. B. durch einen Import). Erneut versuchen?</source>
        <translation>The database is busy right now (e.g. with an import). Try again?</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="197" />
        <source>Erneut versuchen</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="198" />
        <source>Abbrechen</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="210" />
        <source>Speichern fehlgeschlagen (%1). Nichts wurde gespeichert. Details stehen im Protokoll: %2</source>
        <translation>Saving failed (%1). Nothing was saved. Details are in the log: %2</translation>
    </message>
    <message>
        <location filename="../../ui/write_path.py" line="218" />
        <source>Fehler beim Speichern</source>
        <translation>Error while saving</translation>
    </message>
</context>
</TS>