import { fieldTree, filterResponseFields, isFieldIncluded, parseFieldList } from './response-fields';

describe('_fields (rest_filter_response_fields)', () => {
  const item = { id: 1, name: 'n', avatar_urls: { 24: 'a', 48: 'b' }, meta: [], _links: { self: [{ href: 's' }], collection: [{ href: 'c' }] } };

  it('parses lists as wp_parse_list', () => {
    expect(parseFieldList('id, name ,,avatar_urls.24')).toEqual(['id', 'name', 'avatar_urls.24']);
    expect(parseFieldList(['id', ' name '])).toEqual(['id', 'name']);
    expect(parseFieldList('')).toEqual([]);
  });

  it('builds the field tree, a parent kept whole winning over its children', () => {
    expect(fieldTree(['a', 'b.c', 'b.d'])).toEqual({ a: true, b: { c: true, d: true } });
    expect(fieldTree(['a', 'a.b'])).toEqual({ a: true });
  });

  it('includes parents of nested fields and children of included parents', () => {
    expect(isFieldIncluded('_links', ['_links.self'])).toBe(true);
    expect(isFieldIncluded('_links.self', ['_links'])).toBe(true);
    expect(isFieldIncluded('_links', ['id'])).toBe(false);
    expect(isFieldIncluded('_link', ['_links'])).toBe(false);
  });

  it('keeps the data\'s order and drops _links unless asked', () => {
    expect(filterResponseFields(item, 'name,id')).toEqual({ id: 1, name: 'n' });
    expect(Object.keys(filterResponseFields(item, 'name,id') as object)).toEqual(['id', 'name']);
    expect(filterResponseFields(item, 'avatar_urls.48')).toEqual({ avatar_urls: { 48: 'b' } });
  });

  it('appends a single item\'s links whole when asked, even by a sub-field', () => {
    expect(filterResponseFields(item, 'id,_links')).toEqual({ id: 1, _links: item._links });
    expect(filterResponseFields(item, '_links.self')).toEqual({ _links: item._links });
  });

  it('filters a collection\'s links with its items', () => {
    expect(filterResponseFields([item, item], 'id,_links.self')).toEqual([
      { id: 1, _links: { self: [{ href: 's' }] } },
      { id: 1, _links: { self: [{ href: 's' }] } },
    ]);
  });

  it('answers [] when nothing is left, as PHP encodes an empty array; an empty _fields changes nothing', () => {
    expect(filterResponseFields(item, 'nothing')).toEqual([]);
    expect(filterResponseFields(item, '')).toBe(item);
    expect(filterResponseFields('scalar', 'id')).toBe('scalar');
  });
});
