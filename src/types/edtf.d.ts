// edtf ships no types; only the part Linli uses is declared.
declare module 'edtf' {
  interface ExtendedDate {
    /** First millisecond covered (UTC). */
    min: number
    /** Last millisecond covered (UTC). */
    max: number
    type: string
  }
  export default function edtf(text: string): ExtendedDate
}
