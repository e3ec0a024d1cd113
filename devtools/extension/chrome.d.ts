// The few extension APIs the extension uses, typed here rather than adding @types/chrome.
declare namespace chrome {
  namespace runtime {
    interface Port {
      readonly name: string
      postMessage(message: unknown): void
      disconnect(): void
      readonly onMessage: { addListener(listener: (message: unknown, port: Port) => void): void }
      readonly onDisconnect: { addListener(listener: (port: Port) => void): void }
    }
    const onConnect: { addListener(listener: (port: Port) => void): void }
    interface MessageSender {
      readonly tab?: tabs.Tab
    }
    const onMessage: { addListener(listener: (message: unknown, sender: MessageSender) => void): void }
    function sendMessage(message: unknown): Promise<unknown>
    function getURL(path: string): string
    const lastError: { readonly message?: string } | undefined
  }
  namespace tabs {
    interface Tab {
      readonly id?: number
    }
    function query(filter: Record<string, unknown>): Promise<Tab[]>
    function sendMessage(tabId: number, message: unknown, options?: { frameId?: number }): Promise<unknown>
    function connect(tabId: number, info?: { name?: string; frameId?: number }): runtime.Port
    const onUpdated: { addListener(listener: (tabId: number, change: { status?: string }) => void): void; removeListener(listener: (tabId: number, change: { status?: string }) => void): void }
  }
  namespace windows {
    function create(options: { url: string; type?: 'normal' | 'popup'; width?: number; height?: number }): Promise<unknown>
  }
  namespace action {
    const onClicked: { addListener(listener: (tab: tabs.Tab) => void): void }
  }
  namespace devtools {
    namespace inspectedWindow {
      const tabId: number
    }
    namespace panels {
      const themeName: string | undefined
      function create(title: string, iconPath: string, pagePath: string, callback?: (panel: unknown) => void): void
    }
  }
}
