// Programs 1, 2 and 4 of the seeds, page by page: what each page shows and the
// X-Session-Update it answers with.
import { describe, expect, it } from 'vitest'
import { decode, textOf, useDemo, visit } from './support'

const demo = useDemo()

describe('program 1: set, get, delete', () => {
  it("set stores name='Sonam' and lname='rathore'", async () => {
    const r = await visit(demo(), '/p1/set/', { key: null, data: {} })
    expect(r.status).toBe(200)
    expect(r.body).toContain('Session setting up')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', lname: 'rathore' } })
  })

  it('get shows them, a read only', async () => {
    const r = await visit(demo(), '/p1/get/', { data: { name: 'Sonam', lname: 'rathore' } })
    expect(textOf(r.body, 'name')).toEqual(['Sonam rathore'])
    expect(r.update).toEqual({ accessed: true })
  })

  it("get falls back to 'Guest'", async () => {
    const r = await visit(demo(), '/p1/get/', { key: null, data: {} })
    expect(textOf(r.body, 'name')).toEqual(['Guest Guest'])
    expect(r.update).toEqual({ accessed: true })
  })

  it("del removes name and lname when 'name' is there, keeping the rest", async () => {
    const r = await visit(demo(), '/p1/del/', { data: { name: 'Sonam', lname: 'rathore', other: 1 } })
    expect(r.body).toContain('You session has been deleted successfully')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { other: 1 } })
  })

  it("del without 'name' only looks", async () => {
    const r = await visit(demo(), '/p1/del/', { data: { lname: 'rathore' } })
    expect(r.status).toBe(200)
    expect(r.update).toEqual({ accessed: true })
  })

  it("del with 'name' but no 'lname' raises KeyError: 'lname', as the seed's view would", async () => {
    const r = await visit(demo(), '/p1/del/', { data: { name: 'Sonam' } })
    expect(r.status).toBe(500)
    expect(decode(r.body)).toContain("KeyError: 'lname'")
    expect(r.update).toEqual({ accessed: true, modified: true, data: {} })
  })
})

describe('program 2: dictionary methods', () => {
  it("set stores name='Sonam' and lname='Ronaldo'", async () => {
    const r = await visit(demo(), '/p2/set/', { key: null, data: {} })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', lname: 'Ronaldo' } })
  })

  it("get shows name, lname, keys(), items(); setdefault('age', '26') adds age the first time", async () => {
    const r = await visit(demo(), '/p2/get/', { data: { name: 'Sonam', lname: 'Ronaldo' } })
    expect(textOf(r.body, 'name')).toEqual(['Sonam Ronaldo'])
    expect(textOf(r.body, 'keys')[0]?.split(/\s+/)).toEqual(['name', 'lname', 'age'])
    expect(textOf(r.body, 'items')[0]?.split(/\s+(?=\()/)).toEqual(["('name', 'Sonam')", "('lname', 'Ronaldo')", "('age', '26')"])
    expect(textOf(r.body, 'age')).toEqual(['26'])
    expect(r.update).toEqual({ accessed: true, modified: true, data: { name: 'Sonam', lname: 'Ronaldo', age: '26' } })
  })

  it('get with age already there changes nothing', async () => {
    const r = await visit(demo(), '/p2/get/', { data: { name: 'Sonam', lname: 'Ronaldo', age: '30' } })
    expect(textOf(r.body, 'age')).toEqual(['30'])
    expect(r.update).toEqual({ accessed: true })
  })

  it('get on an empty session shows None and still sets age', async () => {
    const r = await visit(demo(), '/p2/get/', { key: null, data: {} })
    expect(textOf(r.body, 'name')).toEqual(['None None'])
    expect(r.update).toEqual({ accessed: true, modified: true, data: { age: '26' } })
  })

  it('del removes name and lname', async () => {
    const r = await visit(demo(), '/p2/del/', { data: { name: 'Sonam', lname: 'Ronaldo', age: '26' } })
    expect(r.update).toEqual({ accessed: true, modified: true, data: { age: '26' } })
  })
})

describe('program 4: the test cookie', () => {
  it('set calls set_test_cookie()', async () => {
    const r = await visit(demo(), '/p4/set/', { key: null, data: {} })
    expect(r.body).toContain('Set Test Cookie')
    expect(r.update).toEqual({ accessed: true, modified: true, data: { testcookie: 'worked' } })
  })

  it('check shows True once the test cookie came back, a read only', async () => {
    const r = await visit(demo(), '/p4/check/', { data: { testcookie: 'worked' } })
    expect(textOf(r.body, 'worked')).toEqual(['True'])
    expect(r.update).toEqual({ accessed: true })
  })

  it('check shows False without it', async () => {
    const r = await visit(demo(), '/p4/check/', { key: null, data: {} })
    expect(textOf(r.body, 'worked')).toEqual(['False'])
  })

  it('del calls delete_test_cookie()', async () => {
    const r = await visit(demo(), '/p4/del/', { data: { testcookie: 'worked' } })
    expect(r.status).toBe(200)
    expect(r.body).toContain('Your cookie has been deleted successfully')
    expect(r.update).toEqual({ accessed: true, modified: true, data: {} })
  })

  it("del without a test cookie is Django's KeyError: 'testcookie', a 500", async () => {
    const r = await visit(demo(), '/p4/del/', { key: null, data: {} })
    expect(r.status).toBe(500)
    expect(decode(r.body)).toContain("KeyError: 'testcookie'")
    expect(r.update).toEqual({ accessed: true })
  })
})
