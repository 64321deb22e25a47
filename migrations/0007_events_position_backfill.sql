-- Events recorded before `position` existed get their commit order from rowid (insertion order).
UPDATE `events` SET `position` = `rowid` WHERE `position` IS NULL;
