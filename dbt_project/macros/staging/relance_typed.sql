{#
  Typing raw values. A raw column arrives as text (CSV, or Parquet written as strings) or already
  typed (Parquet); the same expressions handle both, so staging does not care how a provider
  exported its data. Warehouse types: ids and text as strings, timestamps as naive UTC
  timestamps, dates as dates, money as decimal(18, 2), numbers as double, integers as integer.
#}

{% macro relance_warehouse_type(logical_type) -%}
  {%- if logical_type == 'timestamp' -%}{{ dbt.type_timestamp() }}
  {%- elif logical_type == 'date' -%}date
  {%- elif logical_type == 'money' -%}decimal(18,2)
  {%- elif logical_type == 'number' -%}{{ relance_type_double() }}
  {%- elif logical_type == 'integer' -%}{{ dbt.type_int() }}
  {%- else -%}{{ dbt.type_string() }}
  {%- endif -%}
{%- endmacro %}


{# 64-bit float: dbt.type_float() is a 32-bit FLOAT on DuckDB. Spark and Trino spell it the same. #}
{% macro relance_type_double() -%}
  {{ return(adapter.dispatch('relance_type_double')()) }}
{%- endmacro %}

{% macro default__relance_type_double() -%}double{%- endmacro %}

{% macro postgres__relance_type_double() -%}double precision{%- endmacro %}


{#
  cast() that yields null instead of failing. dbt.safe_cast is the cross-database macro, but
  dbt-duckdb does not override it and its default is a plain cast, which fails the whole model on
  the first bad value; DuckDB spells the safe one try_cast.
#}
{% macro relance_safe_cast(expr, data_type) -%}
  {{ return(adapter.dispatch('relance_safe_cast')(expr, data_type)) }}
{%- endmacro %}

{% macro default__relance_safe_cast(expr, data_type) -%}
  {{ dbt.safe_cast(expr, data_type) }}
{%- endmacro %}

{% macro duckdb__relance_safe_cast(expr, data_type) -%}
  try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}


{# Text as it came, trimmed, with empty strings as null. #}
{% macro relance_clean_text(expr) -%}
  nullif(trim({{ expr }}), '')
{%- endmacro %}


{#
  An ISO-8601 value with or without a UTC offset, or a typed timestamp, as a naive UTC timestamp;
  null when unparseable. DuckDB ignores an offset when casting text straight to TIMESTAMP, so it
  goes through TIMESTAMPTZ (the session time zone is UTC, see profiles.yml).
#}
{% macro relance_parse_timestamp(expr) -%}
  {{ return(adapter.dispatch('relance_parse_timestamp')(expr)) }}
{%- endmacro %}

{% macro default__relance_parse_timestamp(expr) -%}
  {{ relance_safe_cast(expr, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__relance_parse_timestamp(expr) -%}
  cast(try_cast({{ expr }} as timestamptz) as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#
  A column the file already stores as a timestamp (not text), as a naive UTC timestamp; none when
  its type needs the general parse above. Parquet files usually hold instants (TIMESTAMP WITH
  TIME ZONE): their UTC value is read off directly, without a round trip through the time zone
  library, which costs several times more on millions of rows and gives the same value.
#}
{% macro relance_stored_timestamp(expr, source_type) -%}
  {{ return(adapter.dispatch('relance_stored_timestamp')(expr, source_type)) }}
{%- endmacro %}

{% macro default__relance_stored_timestamp(expr, source_type) -%}
  {{ return(none) }}
{%- endmacro %}

{% macro duckdb__relance_stored_timestamp(expr, source_type) -%}
  {%- set t = (source_type or '') | upper -%}
  {%- if t in ('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ') -%}
    {{ return('make_timestamp(epoch_us(' ~ expr ~ '))') }}
  {%- elif t in ('TIMESTAMP', 'TIMESTAMP WITHOUT TIME ZONE', 'DATETIME') -%}
    {{ return(expr) }}
  {%- elif t in ('TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'DATE') -%}
    {{ return('cast(' ~ expr ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
  {%- else -%}
    {{ return(none) }}
  {%- endif -%}
{%- endmacro %}


{#
  (cleaned, typed) SQL expressions for one raw column.
  cleaned: the raw value with blanks as null, still in its source type (null means "missing");
  typed: the value in its warehouse type (null when missing or unparseable).
  `source_is_text` says whether the file stores the column as text; `source_type` is the type it
  is stored as, when known.
#}
{% macro relance_typed_expressions(column_sql, logical_type, source_is_text, source_type=none) -%}
  {%- set text = dbt.type_string() -%}
  {%- if source_is_text -%}
    {%- set cleaned = relance_clean_text(column_sql) -%}
  {%- elif logical_type in ('id', 'text', 'enum', 'country', 'currency', 'timezone', 'language') -%}
    {%- set cleaned = relance_clean_text(dbt.cast(column_sql, text)) -%}
  {%- else -%}
    {%- set cleaned = column_sql -%}
  {%- endif -%}
  {%- if logical_type in ('country', 'currency') -%}
    {%- set typed = 'upper(' ~ cleaned ~ ')' -%}
  {%- elif logical_type == 'enum' -%}
    {%- set typed = 'lower(' ~ cleaned ~ ')' -%}
  {%- elif logical_type == 'timestamp' -%}
    {%- set stored = none if source_is_text else relance_stored_timestamp(cleaned, source_type) -%}
    {%- set typed = stored if stored is not none else relance_parse_timestamp(cleaned) -%}
  {%- elif logical_type in ('date', 'money', 'number', 'integer') -%}
    {%- set typed = relance_safe_cast(cleaned, relance_warehouse_type(logical_type)) -%}
  {%- else -%}
    {%- set typed = cleaned -%}
  {%- endif -%}
  {{ return((cleaned, typed)) }}
{%- endmacro %}


{# Whether a column type reported by the adapter is text. #}
{% macro relance_is_text_type(data_type) -%}
  {%- set t = (data_type or '') | lower -%}
  {{ return('char' in t or 'text' in t or 'string' in t) }}
{%- endmacro %}


{#
  {column name (lower case): (name as stored, data type)} of what a relation actually holds (execution time only):
  optional columns may be missing from a file and extra ones (personal data) present.
#}
{% macro relance_present_columns(relation_sql) -%}
  {{ return(adapter.dispatch('relance_present_columns')(relation_sql)) }}
{%- endmacro %}

{% macro default__relance_present_columns(relation_sql) -%}
  {%- set present = {} -%}
  {%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(relation_sql) -%}
      {%- do present.update({column.name | lower: (column.name, column.dtype)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(present) }}
{%- endmacro %}

{# DuckDB cannot DESCRIBE a table function directly, only a query over it. #}
{% macro duckdb__relance_present_columns(relation_sql) -%}
  {%- set present = {} -%}
  {%- if execute -%}
    {%- set described = run_query('describe select * from ' ~ relation_sql) -%}
    {%- for row in described.rows -%}
      {%- do present.update({row[0] | lower: (row[0], row[1])}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(present) }}
{%- endmacro %}


{#- A quarantined row's values as they arrived: one JSON object of text values (null when absent),
    built from [(name, text expression)] and read back one value at a time. -#}
{% macro relance_raw_values(columns) -%}
  {{ return(adapter.dispatch('relance_raw_values')(columns)) }}
{%- endmacro %}

{% macro default__relance_raw_values(columns) -%}
    cast(to_json({ {%- for name, expr in columns %}'{{ name }}': {{ expr }}{{ ", " if not loop.last }}{% endfor -%} }) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__relance_raw_values(columns) -%}
    to_json(named_struct({%- for name, expr in columns %}'{{ name }}', {{ expr }}{{ ", " if not loop.last }}{% endfor -%}))
{%- endmacro %}

{% macro relance_raw_value(raw_values, name) -%}
  {{ return(adapter.dispatch('relance_raw_value')(raw_values, name)) }}
{%- endmacro %}

{% macro default__relance_raw_value(raw_values, name) -%}
    json_extract_string({{ raw_values }}, '$.{{ name }}')
{%- endmacro %}

{% macro spark__relance_raw_value(raw_values, name) -%}
    get_json_object({{ raw_values }}, '$.{{ name }}')
{%- endmacro %}
