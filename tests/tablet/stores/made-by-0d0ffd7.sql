BEGIN TRANSACTION;
CREATE TABLE checkpoint (
	name VARCHAR(40) NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO "checkpoint" VALUES('pull_cursor','42');
CREATE TABLE localphoto (
	sha256 VARCHAR(64) NOT NULL, 
	path VARCHAR NOT NULL, 
	size INTEGER NOT NULL, 
	mime VARCHAR(40) NOT NULL, 
	state VARCHAR(12) NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error VARCHAR, 
	PRIMARY KEY (sha256)
);
INSERT INTO "localphoto" VALUES('24ee28919f9ec6db2dfb0b13012b991b1d118e7881d0cc93dbe7e5afeb3ec22d','/sdcard/saoluu/photos/24ee28919f9ec6db2dfb0b13012b991b1d118e7881d0cc93dbe7e5afeb3ec22d',64,'image/jpeg','queued',0,NULL);
CREATE TABLE localrecord (
	type VARCHAR(30) NOT NULL, 
	id VARCHAR(64) NOT NULL, 
	agency_code VARCHAR(40), 
	data JSON NOT NULL, 
	rev INTEGER NOT NULL, 
	version INTEGER, 
	deleted BOOLEAN NOT NULL, 
	conflicted BOOLEAN NOT NULL, 
	review_state VARCHAR, 
	errors JSON, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (type, id)
);
INSERT INTO "localrecord" VALUES('agency','000.00.01.H47','000.00.01.H47','{"code": "000.00.01.H47", "name": "S\u1edf N\u1ed9i v\u1ee5", "kind": "department"}',0,3,0,0,NULL,'null','2026-12-02 09:23:35.563153');
INSERT INTO "localrecord" VALUES('fonds','5b0c2a0e-1111-4c1e-9d7a-0a0a0a0a0a01','000.00.01.H47','{"id": "5b0c2a0e-1111-4c1e-9d7a-0a0a0a0a0a01", "agency_code": "000.00.01.H47", "number": "12", "name": "Ph\u00f4ng S\u1edf N\u1ed9i v\u1ee5"}',1,NULL,0,0,NULL,'null','2026-12-02 09:23:35.588127');
INSERT INTO "localrecord" VALUES('file_record','5b0c2a0e-2222-4c1e-9d7a-0a0a0a0a0a02','000.00.01.H47','{"id": "5b0c2a0e-2222-4c1e-9d7a-0a0a0a0a0a02", "agency_code": "000.00.01.H47", "file_no": "45", "title": "S\u1ed5 \u0111\u0103ng k\u00fd v\u0103n b\u1ea3n \u0111i n\u0103m 1975"}',1,NULL,0,0,NULL,'null','2026-12-02 09:23:35.608037');
INSERT INTO "localrecord" VALUES('file_record','5b0c2a0e-3333-4c1e-9d7a-0a0a0a0a0a03','000.00.01.H47','{"id": "5b0c2a0e-3333-4c1e-9d7a-0a0a0a0a0a03", "agency_code": "000.00.01.H47", "file_no": "46", "title": "H\u1ed3 s\u01a1 h\u1ed9i ngh\u1ecb t\u1ed5ng k\u1ebft"}',1,2,0,0,NULL,'null','2026-12-02 09:23:35.621885');
CREATE TABLE outboxentry (
	type VARCHAR(30) NOT NULL, 
	id VARCHAR(64) NOT NULL, 
	rev INTEGER NOT NULL, 
	base_version INTEGER, 
	deleted BOOLEAN NOT NULL, 
	data JSON NOT NULL, 
	queued_at DATETIME NOT NULL, 
	PRIMARY KEY (type, id)
);
INSERT INTO "outboxentry" VALUES('fonds','5b0c2a0e-1111-4c1e-9d7a-0a0a0a0a0a01',1,NULL,0,'{"id": "5b0c2a0e-1111-4c1e-9d7a-0a0a0a0a0a01", "agency_code": "000.00.01.H47", "number": "12", "name": "Ph\u00f4ng S\u1edf N\u1ed9i v\u1ee5"}','2026-12-02 09:23:35.588703');
INSERT INTO "outboxentry" VALUES('file_record','5b0c2a0e-2222-4c1e-9d7a-0a0a0a0a0a02',1,NULL,0,'{"id": "5b0c2a0e-2222-4c1e-9d7a-0a0a0a0a0a02", "agency_code": "000.00.01.H47", "file_no": "45", "title": "S\u1ed5 \u0111\u0103ng k\u00fd v\u0103n b\u1ea3n \u0111i n\u0103m 1975"}','2026-12-02 09:23:35.608664');
CREATE INDEX ix_localrecord_agency_code ON localrecord (agency_code);
COMMIT;
