import { describe, expect, it } from 'vitest'
import { clampDockSize, draggedSize, effectiveDock, MIN_DOCK_SIZE } from './dock'

describe('dock', () => {
  it('keeps the panel between its smallest size and the viewport less a strip of page', () => {
    expect(clampDockSize(10, 800)).toBe(MIN_DOCK_SIZE)
    expect(clampDockSize(5000, 800)).toBe(760)
    expect(clampDockSize(300.4, 800)).toBe(300)
    // A viewport smaller than the smallest panel: the smallest panel, not a negative one.
    expect(clampDockSize(300, 100)).toBe(MIN_DOCK_SIZE)
  })

  it('grows the panel as its edge is dragged toward the middle of the page', () => {
    expect(draggedSize(300, 500, 400, 800)).toBe(400)
    expect(draggedSize(300, 500, 700, 800)).toBe(MIN_DOCK_SIZE)
  })

  it('docks at the bottom on a narrow screen, whatever was chosen', () => {
    expect(effectiveDock('right', 390)).toBe('bottom')
    expect(effectiveDock('right', 1280)).toBe('right')
    expect(effectiveDock('bottom', 1280)).toBe('bottom')
  })
})
