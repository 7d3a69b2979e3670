<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="58" />
        <source>Impfteam</source>
        <translation>Impfteam</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="77" />
        <source>Impfteam</source>
        <translation>Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="78" />
        <source>&amp;Datei</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="79" />
        <source>&amp;Ansicht</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="80" />
        <source>&amp;Hilfe</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81" />
        <source>&amp;Aktualisieren</source>
        <translation>&amp;Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="82" />
        <source>&amp;Beenden</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83" />
        <source>&amp;Einsätze</source>
        <translation>&amp;Visits</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="84" />
        <source>&amp;Personen</source>
        <translation>&amp;Persons</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="85" />
        <source>Person &amp;suchen</source>
        <translation>&amp;Find person</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="86" />
        <source>Ü&amp;ber Impfteam</source>
        <translation>&amp;About Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="94" />
        <source>Angemeldet: %1 · Datenbank: %2</source>
        <translation>Signed in: %1 · Database: %2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="102" />
        <source>Über Impfteam</source>
        <translation>About Impfteam</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="103" />
        <source>Impfteam – Offline-Dokumentation für mobile Impfteams.
Kreisdaten: RKI/Destatis (dl-de/by-2-0); PLZ: OpenStreetMap (ODbL).</source>
        <translation>Impfteam – offline documentation for mobile vaccination teams.
District data: RKI/Destatis (dl-de/by-2-0); postcodes: OpenStreetMap (ODbL).</translation>
    </message>
</context>
<context>
    <name>PersonHitModel</name>
    <message>
        <location filename="../../ui/models/persons_model.py" line="22" />
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/models/persons_model.py" line="23" />
        <source>Geburtsdatum</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../ui/models/persons_model.py" line="24" />
        <source>PLZ</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <location filename="../../ui/models/persons_model.py" line="25" />
        <source>Treffer</source>
        <translation>Match</translation>
    </message>
</context>
<context>
    <name>PersonsPage</name>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="59" />
        <source>Personen suchen</source>
        <translation>Find persons</translation>
    </message>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="61" />
        <source>Nachname, Vorname oder Geburtsdatum (TT.MM.JJJJ) – Tippfehler erlaubt</source>
        <translation>Family name, given name or date of birth (DD.MM.YYYY) – typos allowed</translation>
    </message>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="62" />
        <source>Suche (Strg+F)</source>
        <translation>Search (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/persons_page.py" line="85" />
        <source>Keine Treffer. Person neu aufnehmen?</source>
        <translation>No matches. Register a new person?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/persons_page.py" line="87" />
        <source>%n Treffer</source>
        <translation>
            <numerusform>%n match</numerusform><numerusform>%n matches</numerusform></translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../ui/pages/today_page.py" line="72" />
        <source>Einsätze – %1</source>
        <translation>Visits – %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="73" />
        <source>Heute</source>
        <translation>Today</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/today_page.py" line="75" />
        <source>Demnächst (nächste %n Tage)</source>
        <translation>
            <numerusform>Upcoming (next %n day)</numerusform><numerusform>Upcoming (next %n days)</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="91" />
        <source>Für heute ist kein Einsatz geplant.</source>
        <translation>No visit is planned for today.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/today_page.py" line="95" />
        <source>Einsätze konnten nicht geladen werden: %1</source>
        <translation>Visits could not be loaded: %1</translation>
    </message>
</context>
<context>
    <name>VisitTableModel</name>
    <message>
        <location filename="../../ui/models/visits_model.py" line="22" />
        <source>Datum</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="23" />
        <source>Zeit</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="24" />
        <source>Standort</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="25" />
        <source>Art</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="26" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="27" />
        <source>Impfungen / Kapazität</source>
        <translation>Doses / capacity</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="30" />
        <source>Jobcenter</source>
        <translation>Jobcenter</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="31" />
        <source>Kommunale Liegenschaft</source>
        <translation>Municipal building</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="32" />
        <source>Sonstige</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="35" />
        <source>geplant</source>
        <translation>planned</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="36" />
        <source>aktiv</source>
        <translation>active</translation>
    </message>
    <message>
        <location filename="../../ui/models/visits_model.py" line="37" />
        <source>abgeschlossen</source>
        <translation>closed</translation>
    </message>
</context>
</TS>