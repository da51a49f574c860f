-- Which (subject, version) each schema refers to, so that a referenced version cannot be deleted and
-- /referencedby can answer without reading every schema's references_json.
create table registry_reference (
    schema_id integer not null references registry_schema (id),
    name      text    not null,
    subject   text    not null,
    version   integer not null,
    primary key (schema_id, name)
);
create index registry_reference_target on registry_reference (subject, version);
