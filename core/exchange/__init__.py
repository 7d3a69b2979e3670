"""Files exchanged with the Impfzentrum: daily report, DIM export, sync packages, master data.

Every long function takes ``progress(percent, message)`` and a ``Cancel`` token so the GUI
can run it in a worker, show progress and stop it; the CLI passes neither.
"""
