"""After digitization: insurance copies of the masters, their fixity, and handovers.

- :mod:`.sets` — the copy sets (*bộ sao bảo hiểm*) a master is written to;
- :mod:`.content` — which files of which fonds a copy or a handover holds, named by file code;
- :mod:`.bag` — BagIt tag files, :mod:`.tarstream` — a tar made while it is sent;
- :mod:`.copies` (``write-copy``), :mod:`.verify` (``verify-copy``), :mod:`.fixity` (``fixity``);
- :mod:`.handover` — a handover recorded, its package streamed, :mod:`.minutes` its minutes;
- :mod:`.figures` — what the dashboard and the yearly report count.
"""
