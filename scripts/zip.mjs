// A zip writer for a folder (the extension's upload to the stores): each file deflated, or stored
// when deflate does not make it smaller. Node built-ins only; no zip64 (an extension is megabytes).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { crc32, deflateRawSync } from 'node:zlib'

// 1980-01-01 00:00, the earliest DOS time: the same input gives the same zip, byte for byte.
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1

/** Zips every file under `dir` (paths relative to it, `/`-separated, sorted) into `zipFile`. */
export function zipDirectory(dir, zipFile) {
  const files = listFiles(dir).sort()
  const locals = []
  const centrals = []
  let offset = 0
  for (const file of files) {
    const name = Buffer.from(relative(dir, file).split(sep).join('/'), 'utf8')
    const data = readFileSync(file)
    const deflated = deflateRawSync(data, { level: 9 })
    const stored = deflated.length >= data.length
    const body = stored ? data : deflated
    const fields = { method: stored ? 0 : 8, crc: crc32(data) >>> 0, compressed: body.length, size: data.length }
    const local = header(0x04034b50, fields, name, false)
    centrals.push(Buffer.concat([header(0x02014b50, fields, name, true, offset), name]))
    locals.push(local, name, body)
    offset += local.length + name.length + body.length
  }
  const central = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(files.length, 8)
  end.writeUInt16LE(files.length, 10)
  end.writeUInt32LE(central.length, 12)
  end.writeUInt32LE(offset, 16)
  const zip = Buffer.concat([...locals, central, end])
  writeFileSync(zipFile, zip)
  return { files: files.length, bytes: zip.length }
}

function header(signature, { method, crc, compressed, size }, name, central, offset = 0) {
  const buffer = Buffer.alloc(central ? 46 : 30)
  let at = 0
  const u16 = (value) => (at = buffer.writeUInt16LE(value, at))
  const u32 = (value) => (at = buffer.writeUInt32LE(value, at))
  u32(signature)
  if (central) u16(20) // made by: version 2.0
  u16(20) // needed to extract: 2.0
  u16(0x0800) // flags: the name is UTF-8
  u16(method)
  u16(DOS_TIME)
  u16(DOS_DATE)
  u32(crc)
  u32(compressed)
  u32(size)
  u16(name.length)
  u16(0) // extra field length
  if (central) {
    u16(0) // comment length
    u16(0) // disk number
    u16(0) // internal attributes
    u32(0) // external attributes
    u32(offset)
  }
  return buffer
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? listFiles(path) : [path]
  })
}
