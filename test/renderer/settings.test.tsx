// Settings: inputs by kind, the shared validator before sending, server errors inline,
// the Set-Cookie preview, SECRET_KEY reveal/regenerate, reset, and observe mode.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { validateSettingsPatch } from '../../src/shared/settings'
import { FakeApi } from './fake-api'
import { renderApp, T0 } from './render-app'

const field = (name: string) => document.querySelector(`[data-setting="${name}"]`) as HTMLElement
const input = (name: string) => within(field(name)).getByLabelText(name) as HTMLInputElement

async function renderSettings(fake?: FakeApi) {
  const view = await renderApp({ route: '#/settings', ...(fake ? { fake } : {}) })
  await screen.findByRole('heading', { name: 'Settings' })
  await screen.findByTestId('preview-set-cookie')
  return view
}

describe('settings', () => {
  it('lists every setting with its Django default and help line', async () => {
    await renderSettings()
    for (const name of ['SESSION_ENGINE', 'SESSION_COOKIE_AGE', 'SESSION_COOKIE_SAMESITE', 'CACHES', 'SECRET_KEY']) expect(field(name)).toBeTruthy()
    expect(field('SESSION_COOKIE_AGE').textContent).toContain('Django default: 1209600')
    expect(field('SESSION_COOKIE_AGE').textContent).toContain('The age of session cookies, in seconds')
    expect(input('SESSION_COOKIE_AGE').value).toBe('1209600')
  })

  it.each([
    ['-1', 'SESSION_COOKIE_AGE: got -1, allowed: a whole number of seconds, 0 or more'],
    ['abc', 'SESSION_COOKIE_AGE: got "abc", allowed: a whole number of seconds, 0 or more'],
    ['1.5', 'SESSION_COOKIE_AGE: got 1.5, allowed']
  ])('refuses SESSION_COOKIE_AGE=%s with the validator’s message and calls nothing', async (value, message) => {
    const { fake } = await renderSettings()
    fireEvent.change(input('SESSION_COOKIE_AGE'), { target: { value } })
    fireEvent.submit(input('SESSION_COOKIE_AGE'))
    expect((await within(field('SESSION_COOKIE_AGE')).findByRole('alert')).textContent).toContain(message)
    expect(input('SESSION_COOKIE_AGE').getAttribute('aria-invalid')).toBe('true')
    expect(fake.callsOf('updateSettings')).toEqual([])
  })

  it.each([
    ['SESSION_COOKIE_AGE', '-5', -5],
    ['SESSION_COOKIE_AGE', '2 weeks', '2 weeks'],
    ['SESSION_COOKIE_NAME', 'my session', 'my session'],
    ['SESSION_COOKIE_NAME', 'si_client', 'si_client'],
    ['SESSION_COOKIE_PATH', 'shop', 'shop'],
    ['SESSION_CACHE_ALIAS', 'sessions', 'sessions']
  ])('says what is wrong with %s = %j as it is typed: the message the API gives', async (name, typed, value) => {
    const { fake } = await renderSettings()
    const expected = validateSettingsPatch(fake.settings, { [name]: value })
    if (expected.ok) throw new Error(`the validator accepts ${name} = ${typed}`)
    fireEvent.change(input(name), { target: { value: typed } })
    // No Enter, no blur: the message is there at once, word for word the API's.
    const alert = within(field(name)).getByRole('alert')
    expect(alert.textContent).toBe(expected.errors.map((e) => e.message).join(''))
    expect(input(name).getAttribute('aria-invalid')).toBe('true')
    expect(input(name).getAttribute('aria-describedby')).toContain(`setting-${name}-error`)
    await expect(fake.updateSettings({ settings: { [name]: value } })).rejects.toMatchObject({ message: expected.errors[0]?.message })
    // Fixed while typing: the message goes.
    fireEvent.change(input(name), { target: { value: name === 'SESSION_COOKIE_AGE' ? '20' : name === 'SESSION_COOKIE_PATH' ? '/shop' : name === 'SESSION_CACHE_ALIAS' ? 'default' : 'shopsession' } })
    expect(within(field(name)).queryByRole('alert')).toBeNull()
    expect(input(name).getAttribute('aria-invalid')).toBeNull()
  })

  it('shows an invalid cache URL as it is typed', async () => {
    await renderSettings()
    const caches = within(field('CACHES'))
    fireEvent.change(caches.getByLabelText('URL of cache 1'), { target: { value: 'memcached://x' } })
    expect(caches.getByRole('alert').textContent).toBe('CACHES: cache "default" has an unknown URL "memcached://x"; got {"default":"memcached://x"}, allowed: an object mapping cache names to "locmem://" (optionally "?max_entries=N") or "redis://host:port/db"')
    fireEvent.change(caches.getByLabelText('URL of cache 1'), { target: { value: 'redis://127.0.0.1:6379/1' } })
    expect(caches.queryByRole('alert')).toBeNull()
  })

  it('marks each setting that differs from Django’s default, with a reset for it and one for all', async () => {
    const fake = new FakeApi({ now: T0, frozen: true, settings: { SESSION_COOKIE_AGE: 20, SESSION_COOKIE_SAMESITE: 'Strict' } })
    await renderSettings(fake)
    const changed = () => [...document.querySelectorAll('[data-changed]')].map((el) => el.getAttribute('data-setting'))
    expect(changed()).toEqual(['SESSION_COOKIE_AGE', 'SESSION_COOKIE_SAMESITE'])
    expect(within(field('SESSION_COOKIE_AGE')).getByText('changed')).toBeTruthy()
    expect(within(field('SESSION_COOKIE_PATH')).queryByText('changed')).toBeNull()
    expect(screen.getByTestId('settings-changed-count').textContent).toBe('2 settings changed')
    // Where they live, so the next start is no surprise.
    expect(screen.getByTestId('settings-persist-note').textContent).toContain('/tmp/si/settings.json')

    fireEvent.click(within(field('SESSION_COOKIE_AGE')).getByRole('button', { name: "Reset SESSION_COOKIE_AGE to Django's default" }))
    await waitFor(() => expect(changed()).toEqual(['SESSION_COOKIE_SAMESITE']))
    expect(fake.callsOf('updateSettings')).toEqual([{ settings: { SESSION_COOKIE_AGE: 1209600 } }])
    await waitFor(() => expect(input('SESSION_COOKIE_AGE').value).toBe('1209600'))
    expect(screen.getByTestId('settings-changed-count').textContent).toBe('1 setting changed')

    // A change made here is marked at once.
    fireEvent.click(within(field('SESSION_SAVE_EVERY_REQUEST')).getByRole('switch'))
    await waitFor(() => expect(changed()).toEqual(['SESSION_SAVE_EVERY_REQUEST', 'SESSION_COOKIE_SAMESITE']))

    fireEvent.click(screen.getByRole('button', { name: 'Reset all to defaults' }))
    const dialog = await screen.findByRole('alertdialog')
    expect(dialog.textContent).toContain('SESSION_SAVE_EVERY_REQUEST, SESSION_COOKIE_SAMESITE go back to Django’s defaults')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reset to defaults' }))
    await waitFor(() => expect(changed()).toEqual([]))
    expect(screen.getByTestId('settings-changed-count').textContent).toBe('All Django’s defaults')
    expect(screen.queryByTestId('settings-persist-note')).toBeNull()
    expect((screen.getByRole('button', { name: 'Reset all to defaults' }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('applies a good SESSION_COOKIE_AGE on Enter and refreshes the Set-Cookie preview', async () => {
    const { fake } = await renderSettings()
    expect(screen.getByTestId('preview-set-cookie').textContent).toContain('Max-Age=1209600')
    fireEvent.change(input('SESSION_COOKIE_AGE'), { target: { value: '20' } })
    fireEvent.submit(input('SESSION_COOKIE_AGE'))
    await waitFor(() => expect(fake.callsOf('updateSettings')).toEqual([{ settings: { SESSION_COOKIE_AGE: 20 } }]))
    await waitFor(() => expect(screen.getByTestId('preview-set-cookie').textContent).toContain('Max-Age=20'))
    expect(input('SESSION_COOKIE_AGE').value).toBe('20')
    expect(within(field('SESSION_COOKIE_AGE')).queryByRole('alert')).toBeNull()
  })

  it('follows the engine clock: after +2 weeks the preview expires two weeks later', async () => {
    await renderSettings()
    const expires = () => Date.parse(/expires=([^;]+);/.exec(screen.getByTestId('preview-set-cookie').textContent ?? '')?.[1] ?? '')
    const before = expires()
    expect(Number.isFinite(before)).toBe(true)
    fireEvent.click(screen.getByRole('button', { name: '+2 weeks' }))
    // Whole-second HTTP dates, read a moment apart: allow a few seconds of real time.
    await waitFor(() => expect(expires() - before).toBeGreaterThanOrEqual(1_209_600_000))
    expect(expires() - before).toBeLessThan(1_209_600_000 + 5_000)
  })

  it('applies on blur, and Escape reverts an edit', async () => {
    const { fake } = await renderSettings()
    fireEvent.change(input('SESSION_COOKIE_PATH'), { target: { value: '/shop' } })
    fireEvent.keyDown(input('SESSION_COOKIE_PATH'), { key: 'Escape' })
    expect(input('SESSION_COOKIE_PATH').value).toBe('/')
    fireEvent.change(input('SESSION_COOKIE_PATH'), { target: { value: '/shop' } })
    fireEvent.blur(input('SESSION_COOKIE_PATH'))
    await waitFor(() => expect(fake.callsOf('updateSettings')).toEqual([{ settings: { SESSION_COOKIE_PATH: '/shop' } }]))
    await waitFor(() => expect(screen.getByTestId('preview-delete-cookie').textContent).toContain('Path=/shop'))
  })

  it('toggles booleans and picks choices at once', async () => {
    const { fake } = await renderSettings()
    const toggle = within(field('SESSION_EXPIRE_AT_BROWSER_CLOSE')).getByRole('switch')
    expect(toggle.getAttribute('aria-checked')).toBe('false')
    fireEvent.click(toggle)
    await waitFor(() => expect(toggle.getAttribute('aria-checked')).toBe('true'))
    await waitFor(() => expect(screen.getByTestId('preview-set-cookie').textContent).not.toContain('Max-Age'))
    fireEvent.change(input('SESSION_COOKIE_SAMESITE'), { target: { value: '\u0000null' } })
    await waitFor(() => expect(fake.callsOf('updateSettings')).toContainEqual({ settings: { SESSION_COOKIE_SAMESITE: null } }))
    await waitFor(() => expect(screen.getByTestId('preview-set-cookie').textContent).not.toContain('SameSite'))
  })

  it('sets a nullable setting to None and back to text', async () => {
    const { fake } = await renderSettings()
    fireEvent.click(within(field('SESSION_COOKIE_DOMAIN')).getByRole('checkbox'))
    await waitFor(() => expect(within(field('SESSION_COOKIE_DOMAIN')).getByRole('checkbox')).toHaveProperty('checked', false))
    fireEvent.change(input('SESSION_COOKIE_DOMAIN'), { target: { value: 'not a domain' } })
    fireEvent.submit(input('SESSION_COOKIE_DOMAIN'))
    expect((await within(field('SESSION_COOKIE_DOMAIN')).findByRole('alert')).textContent).toContain('SESSION_COOKIE_DOMAIN: got "not a domain"')
    fireEvent.change(input('SESSION_COOKIE_DOMAIN'), { target: { value: '.example.com' } })
    fireEvent.submit(input('SESSION_COOKIE_DOMAIN'))
    await waitFor(() => expect(fake.callsOf('updateSettings')).toEqual([{ settings: { SESSION_COOKIE_DOMAIN: '.example.com' } }]))
  })

  it('shows the server’s own refusal inline', async () => {
    const { fake } = await renderSettings()
    fake.failNext(
      'updateSettings',
      new ApiError('invalid_setting', 'SESSION_FILE_PATH: no such directory', [{ setting: 'SESSION_FILE_PATH', message: 'SESSION_FILE_PATH: /nope does not exist' }])
    )
    fireEvent.click(within(field('SESSION_FILE_PATH')).getByRole('checkbox'))
    fireEvent.change(input('SESSION_FILE_PATH'), { target: { value: '/nope' } })
    fireEvent.submit(input('SESSION_FILE_PATH'))
    expect((await within(field('SESSION_FILE_PATH')).findByRole('alert')).textContent).toBe('SESSION_FILE_PATH: /nope does not exist')
  })

  it('edits CACHES as a table, validated before sending', async () => {
    const { fake } = await renderSettings()
    const caches = within(field('CACHES'))
    fireEvent.change(caches.getByLabelText('URL of cache 1'), { target: { value: 'memcached://x' } })
    fireEvent.click(caches.getByRole('button', { name: 'Apply' }))
    expect((await caches.findByRole('alert')).textContent).toContain('unknown URL')
    expect(fake.callsOf('updateSettings')).toEqual([])
    fireEvent.change(caches.getByLabelText('URL of cache 1'), { target: { value: 'redis://127.0.0.1:6379/1' } })
    fireEvent.click(caches.getByRole('button', { name: 'Apply' }))
    await waitFor(() => expect(fake.callsOf('updateSettings')).toEqual([{ settings: { CACHES: { default: 'redis://127.0.0.1:6379/1' } } }]))
  })

  it('masks SECRET_KEY, reveals it on request, and regenerates it after a warning', async () => {
    const { fake } = await renderSettings()
    expect(input('SECRET_KEY').value).toMatch(/^\*{8}/)
    fireEvent.click(within(field('SECRET_KEY')).getByRole('button', { name: /Reveal/ }))
    await waitFor(() => expect(input('SECRET_KEY').value).toBe('django-insecure-0123456789abcdefghijklmnopqrstuvwxyz'))
    fireEvent.click(within(field('SECRET_KEY')).getByRole('button', { name: 'Regenerate' }))
    const dialog = await screen.findByRole('alertdialog')
    expect(dialog.textContent).toContain('Existing sessions will no longer decode')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Regenerate' }))
    await waitFor(() => expect(fake.callsOf('regenerateSecretKey')).toHaveLength(1))
    await waitFor(() => expect(input('SECRET_KEY').value).toMatch(/^\*{8}/))
    expect(input('SECRET_KEY').value).not.toBe('********wxyz')
  })

  it('does not regenerate when the warning is cancelled', async () => {
    const { fake } = await renderSettings()
    fireEvent.click(within(field('SECRET_KEY')).getByRole('button', { name: 'Regenerate' }))
    fireEvent.keyDown(await screen.findByRole('alertdialog'), { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    expect(fake.callsOf('regenerateSecretKey')).toEqual([])
  })

  it('resets to defaults after confirmation', async () => {
    const fake = new FakeApi({ now: T0, frozen: true, settings: { SESSION_COOKIE_AGE: 20 } })
    await renderSettings(fake)
    expect(input('SESSION_COOKIE_AGE').value).toBe('20')
    fireEvent.click(screen.getByRole('button', { name: 'Reset all to defaults' }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Reset to defaults' }))
    await waitFor(() => expect(input('SESSION_COOKIE_AGE').value).toBe('1209600'))
    expect(fake.callsOf('resetSettings')).toHaveLength(1)
  })

  it('follows `settings` events from elsewhere', async () => {
    const { fake } = await renderSettings()
    act(() => fake.emit('settings', { ...fake.settings, SESSION_COOKIE_NAME: 'shopsession', SECRET_KEY: '********' }))
    await waitFor(() => expect(input('SESSION_COOKIE_NAME').value).toBe('shopsession'))
  })

  it("is read-only in observe mode, except the app's values the inspector needs: SECRET_KEY, SESSION_COOKIE_NAME, SESSION_COOKIE_AGE", async () => {
    const fake = new FakeApi({ now: T0, frozen: true, status: { mode: 'observe-django', settingsOwnedByApp: true } })
    await renderSettings(fake)
    expect(screen.getByTestId('observe-settings-note').textContent).toContain('The inspector needs SECRET_KEY, SESSION_COOKIE_NAME, SESSION_COOKIE_AGE to match the app’s')
    expect(field('SESSION_COOKIE_AGE').textContent).toContain('The inspector uses it to tell when each session was saved')
    expect(input('SESSION_COOKIE_PATH').readOnly).toBe(true)
    expect((within(field('SESSION_SAVE_EVERY_REQUEST')).getByRole('switch') as HTMLButtonElement).disabled).toBe(true)
    expect(input('SESSION_COOKIE_NAME').readOnly).toBe(false)
    // What the service accepts in observe mode, the screen lets you edit (one list in shared).
    expect(input('SESSION_COOKIE_AGE').readOnly).toBe(false)
    expect(within(field('SECRET_KEY')).getByRole('button', { name: 'Regenerate' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Reset all to defaults' })).toBeNull()
    expect(screen.queryByRole('button', { name: /^Reset .* to Django's default$/ })).toBeNull()
  })

  it('observing a project (--django-project): what it read is read-only and says so; nothing to type', async () => {
    const settingSources = { SECRET_KEY: 'project', SESSION_COOKIE_NAME: 'project', SESSION_COOKIE_AGE: 'project', SESSION_ENGINE: 'project', SESSION_COOKIE_PATH: 'default' } as const
    const fake = new FakeApi({ now: T0, frozen: true, status: { mode: 'observe-django', settingsOwnedByApp: true, settingSources } })
    await renderSettings(fake)
    expect(screen.getByTestId('observe-settings-note').textContent).toContain('Everything the inspector needs was read from the project')
    expect(input('SESSION_COOKIE_NAME').readOnly).toBe(true)
    expect(input('SESSION_COOKIE_AGE').readOnly).toBe(true)
    expect(within(field('SECRET_KEY')).queryByRole('button', { name: 'Regenerate' })).toBeNull()
    expect(screen.getByTestId('setting-source-SESSION_COOKIE_AGE').textContent).toBe("Read-only: read from the project's settings.py (--django-project)")
    expect(screen.getByTestId('setting-source-SESSION_COOKIE_PATH').textContent).toBe("Read-only: Django's default")
  })

  it("drop-in mode: each setting says where its value comes from, the app's settings.py included", async () => {
    const fake = new FakeApi({ now: T0, frozen: true, status: { settingSources: { SESSION_COOKIE_AGE: 'settings.py', DJANGO_VERSION: 'command line', SESSION_ENGINE: 'default' } } })
    await renderSettings(fake)
    expect(screen.getByTestId('setting-source-SESSION_COOKIE_AGE').textContent).toBe("from the app's settings.py (its middleware reported it)")
    expect(screen.getByTestId('setting-source-DJANGO_VERSION').textContent).toBe('command line, this run only')
    expect(input('SESSION_COOKIE_AGE').readOnly).toBe(false)
  })
})
