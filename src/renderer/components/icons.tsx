// Small stroke icons (16px, currentColor), drawn inline so the CSP needs no image sources.
import type { ReactNode } from 'react'

function Icon({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  )
}

export const IconSessions = () => (
  <Icon>
    <rect x="2" y="3" width="12" height="10" rx="1.5" />
    <path d="M5 6.5h6M5 9.5h4" />
  </Icon>
)
export const IconSettings = () => (
  <Icon>
    <path d="M3 4h6M12 4h1M3 8h1M7 8h6M3 12h7M13 12h0" />
    <circle cx="10.5" cy="4" r="1.5" />
    <circle cx="5.5" cy="8" r="1.5" />
    <circle cx="11.5" cy="12" r="1.5" />
  </Icon>
)
export const IconTraffic = () => (
  <Icon>
    <path d="M2 5h10l-2.5-2.5M14 11H4l2.5 2.5" />
  </Icon>
)
export const IconTimeline = () => (
  <Icon>
    <path d="M2 8h12" />
    <circle cx="4.5" cy="8" r="1.5" />
    <circle cx="10" cy="8" r="1.5" />
    <path d="M4.5 3.5v2M10 10.5v2" />
  </Icon>
)
export const IconClients = () => (
  <Icon>
    <rect x="2" y="3" width="12" height="9" rx="1.5" />
    <path d="M2 5.5h12M6 14h4" />
  </Icon>
)
export const IconCopy = () => (
  <Icon>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
    <path d="M10.5 5.5V3.5a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" />
  </Icon>
)
export const IconCheck = () => (
  <Icon>
    <path d="M3 8.5l3 3 7-7" />
  </Icon>
)
export const IconClose = () => (
  <Icon>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Icon>
)
export const IconSearch = () => (
  <Icon>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5L14 14" />
  </Icon>
)
export const IconSnowflake = () => (
  <Icon>
    <path d="M8 1.5v13M2.4 4.75l11.2 6.5M2.4 11.25l11.2-6.5M6.5 2.5L8 4l1.5-1.5M6.5 13.5L8 12l1.5 1.5" />
  </Icon>
)
export const IconPlay = () => (
  <Icon>
    <path d="M5 3.5v9l7-4.5z" />
  </Icon>
)
export const IconReset = () => (
  <Icon>
    <path d="M3 8a5 5 0 1 0 1.5-3.5M3 2.5v2.5h2.5" />
  </Icon>
)
export const IconTrash = () => (
  <Icon>
    <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5a1 1 0 0 0 1 .9h3.6a1 1 0 0 0 1-.9l.7-8.5" />
  </Icon>
)
export const IconEye = () => (
  <Icon>
    <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" />
    <circle cx="8" cy="8" r="2" />
  </Icon>
)
export const IconRefresh = () => (
  <Icon>
    <path d="M13 8a5 5 0 0 1-8.5 3.5M3 8a5 5 0 0 1 8.5-3.5M11.5 2v2.5H9M4.5 14v-2.5H7" />
  </Icon>
)
export const IconAlert = () => (
  <Icon>
    <path d="M8 2l6.5 11.5h-13zM8 6.5v3M8 11.5v.01" />
  </Icon>
)
export const IconPlus = () => (
  <Icon>
    <path d="M8 3v10M3 8h10" />
  </Icon>
)
export const IconChevron = ({ open }: { open: boolean }) => (
  <Icon size={12}>
    <path d={open ? 'M4 6l4 4 4-4' : 'M6 4l4 4-4 4'} />
  </Icon>
)
export const IconArrow = () => (
  <Icon>
    <path d="M3 8h10M9.5 4.5L13 8l-3.5 3.5" />
  </Icon>
)
export const IconPower = () => (
  <Icon>
    <path d="M8 2v5.5M4.5 4.5a5 5 0 1 0 7 0" />
  </Icon>
)
